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
  const percent = document.getElementById("percent");
  function show(view) {
    state.textContent = state.dataset[view.state] || view.state;
    state.dataset.state = view.state;
    lines.textContent = view.lines.join("\n");
    lines.scrollTop = lines.scrollHeight;
    result.textContent = view.result;
    elapsed.textContent = view.elapsed_s;
    if (view.percent !== null) {  // steps done of the total (days, simulations)
      bar.max = 100; bar.value = view.percent;
      const steps = view.total ? " · " + percent.dataset.steps
        .replace("{done}", view.done).replace("{total}", view.total) : "";
      percent.textContent = view.percent + " %" + steps;
    }
    result.classList.toggle("bad", view.state === "error");
    const back = document.getElementById("back");
    if (back && view.state !== "running" && view.state !== "done") {  // failed: back to the form
      back.classList.remove("hidden");
      document.getElementById("next").classList.add("hidden");
    }
    if (view.state !== "running") {
      cancel.classList.add("hidden");
      document.getElementById("next-line").classList.remove("hidden");
      if (view.percent === null) { bar.max = 100; bar.value = 0; }  // ended before a step
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
