// Road and elevation files picked on the Start or settings page: sent as the
// request body to /uploads/KIND (the server writes it to the workspace in
// chunks), with the upload's progress and a cancel button; once kept, the file
// is added to the road select (or the elevation boxes) and chosen. A refusal is
// shown as the server's one message.
(function () {
  const state = document.getElementById("upload-state");
  if (!state) return;
  const form = state.closest("form");
  const csrf = form.querySelector('input[name="csrf"]').value;
  const bar = state.querySelector("progress");
  const said = state.querySelector(".said");
  const cancel = state.querySelector(".cancel-upload");
  const submit = form.querySelector("button.primary");
  const mb = (n) => (n / 1048576).toFixed(1);
  const show = (on) => [bar, cancel].forEach((e) => e.classList.toggle("hidden", !on));
  function tell(text, bad) {
    said.textContent = text;
    state.classList.toggle("bad", !!bad);
    state.setAttribute("role", bad ? "alert" : "status");
  }
  function choose(kind, target, name) {
    const box = document.getElementById(target);
    if (kind === "roads") {
      const option = document.createElement("option");
      option.value = name; option.textContent = name;
      box.appendChild(option);
      box.value = name;
      return;
    }
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox"; input.name = "dem"; input.value = name; input.checked = true;
    label.append(input, " " + name);
    box.appendChild(label);
    const none = box.querySelector(".none-yet");
    if (none) none.classList.add("hidden");
  }
  function done(xhr, input, name) {
    show(false); submit.disabled = false;
    let answer = {};
    try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
    if (xhr.status === 200 && answer.name) {
      choose(input.dataset.upload, input.dataset.target, answer.name);
      tell(state.dataset.kept.replace("{name}", answer.name), false);
    } else {
      tell(answer.error || state.dataset.lost, true);
    }
    input.value = "";
  }
  document.querySelectorAll("input[type=file][data-upload]").forEach((input) => {
    input.addEventListener("change", () => {
      const file = input.files[0];
      if (!file) return;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `/uploads/${input.dataset.upload}?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = (e) => {
        if (!e.lengthComputable) return;
        bar.value = Math.round(100 * e.loaded / e.total);
        tell(state.dataset.sending.replace("{name}", file.name)
          .replace("{done}", mb(e.loaded)).replace("{total}", mb(e.total)), false);
      };
      xhr.onload = () => done(xhr, input, file.name);
      xhr.onerror = () => done(xhr, input, file.name);
      xhr.onabort = () => {
        show(false); submit.disabled = false; input.value = "";
        tell(state.dataset.cancelled, false);
      };
      cancel.onclick = () => xhr.abort();
      bar.value = 0; show(true); submit.disabled = true;
      tell(state.dataset.sending.replace("{name}", file.name).replace("{done}", "0")
        .replace("{total}", mb(file.size)), false);
      xhr.send(file);
    });
  });
})();
