// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
  // Answers typed before a session ended (web/kept.py): put back in the page's form, never sent by themselves.
  const kept = document.getElementById("kept-answers");
  if (kept) {
    const answers = JSON.parse(kept.textContent);
    for (const [name, values] of Object.entries(answers)) {
      for (const field of document.querySelectorAll("main form [name]")) {
        if (field.name !== name || field.type === "hidden") continue;
        if (field.type === "checkbox" || field.type === "radio") field.checked = values.includes(field.value);
        else if (field.tagName === "SELECT" && field.multiple) {
          for (const option of field.options) option.selected = values.includes(option.value);
        } else field.value = values[0];
      }
    }
  }
  // A picker's choice (web/pickers.py) goes in its box: the reference, or one more reference after a comma.
  document.body.addEventListener("click", (e) => {
    const choice = e.target.closest("[data-pick]");
    if (!choice) return;
    const box = document.getElementById(choice.dataset.pickFor);
    if (!box) return;
    if (choice.hasAttribute("data-pick-several")) {
      const refs = box.value.split(",").map((r) => r.trim()).filter(Boolean);
      refs.pop();  // what was being typed
      if (!refs.includes(choice.dataset.pick)) refs.push(choice.dataset.pick);
      box.value = refs.join(", ");
    } else box.value = choice.dataset.pick;
    choice.closest(".picker-options").replaceChildren();
    box.focus();
  });
  document.body.addEventListener("htmx:configRequest", (e) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) e.detail.headers["X-CSRFToken"] = token.value;
  });
});
