// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
  document.body.addEventListener("htmx:configRequest", (e) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) e.detail.headers["X-CSRFToken"] = token.value;
  });
});
