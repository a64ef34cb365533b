// GOV.UK Frontend's components: the error summary takes focus, conditional radios, the menu on a phone.
import { initAll } from "../vendor/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
