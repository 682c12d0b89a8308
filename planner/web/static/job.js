// The job page: polls the job's state every second, shows the progress lines,
// hides the cancel button when the job ends and goes on when it is done.
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const state = document.getElementById("state");
  const lines = document.getElementById("lines");
  const result = document.getElementById("result");
  const elapsed = document.getElementById("elapsed");
  const bar = document.getElementById("bar");
  const cancel = document.getElementById("cancel");
  function show(view) {
    state.textContent = state.dataset[view.state] || view.state;
    state.dataset.state = view.state;
    lines.textContent = view.lines.join("\n");
    lines.scrollTop = lines.scrollHeight;
    result.textContent = view.result;
    elapsed.textContent = view.elapsed_s;
    if (view.state !== "running") {
      cancel.classList.add("hidden");
      document.getElementById("next-line").classList.remove("hidden");
      bar.max = 1; bar.value = 1;
    }
    if (view.state === "done" && view.kind !== "staffing") {
      window.location.assign(view.after);
    }
  }
  function poll() {
    fetch(box.dataset.stateUrl, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((view) => { show(view); if (view.state === "running") setTimeout(poll, 1000); })
      .catch(() => setTimeout(poll, 2000));
  }
  poll();
})();
