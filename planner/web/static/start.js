// The new-commune form: "Add a …" copies a table's last row, blank, with the
// next row number in its field names (team-3-id, …).
document.querySelectorAll("button.add-row").forEach((button) => {
  button.addEventListener("click", () => {
    const table = document.querySelector(`table[data-prefix="${button.dataset.table}"]`);
    const rows = table.querySelectorAll("tr");
    const last = rows[rows.length - 1];
    const k = rows.length - 1;  // the header is row 0
    if (k >= 60) return;
    const copy = last.cloneNode(true);
    copy.querySelectorAll("input, textarea").forEach((input) => {
      input.name = input.name.replace(/^(\w+)-\d+-/, `$1-${k}-`);
      if (input.type === "checkbox") input.checked = false;
      else input.value = input.dataset.default || "";
    });
    last.after(copy);
    copy.querySelector("input").focus();
  });
});
