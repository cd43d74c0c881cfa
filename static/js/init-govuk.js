// Starts the GOV.UK Frontend components (an ES module, so no inline script is needed).
import { initAll } from '../govuk/govuk-frontend.min.js'
initAll()
