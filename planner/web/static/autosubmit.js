// A day chosen in a list shows that day at once (the form's button is for no-script).
document.querySelectorAll("select.autosubmit").forEach((s) => {
  s.addEventListener("change", () => s.form.submit());
});
