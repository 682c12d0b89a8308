// The correction form: pick the household first (typed or chosen from the
// list by village, code or name), then only its residents are offered; a
// household of one resident picks that resident at once.
(function () {
  const household = document.getElementById("pick-household");
  const resident = document.getElementById("pick-resident");
  if (!household || !resident) return;
  const options = Array.from(resident.querySelectorAll("option[data-household]"));
  function apply() {
    const code = household.value.trim();
    const known = options.some((o) => o.dataset.household === code);
    let shown = [];
    options.forEach((o) => {  // a code not (yet) complete: every resident stays offered
      const ok = !known || o.dataset.household === code;
      o.hidden = !ok;
      o.disabled = !ok;
      if (ok) shown.push(o);
    });
    resident.querySelectorAll("optgroup").forEach((g) => {
      g.hidden = !g.querySelector("option:not([hidden])");
    });
    if (known && shown.length === 1) resident.value = shown[0].value;
    else if (resident.selectedOptions.length && resident.selectedOptions[0].hidden) {
      resident.value = "";
    }
  }
  household.addEventListener("input", apply);
  household.addEventListener("change", apply);
})();
