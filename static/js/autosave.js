// Saves a draft step a few seconds after typing stops, and says so in the status line.
// Without JavaScript the "Save" buttons do the same; this only spares a lost afternoon.
const form = document.getElementById('step-form')
const status = document.getElementById('autosave-status')
const DELAY_MS = 3000
let timer = null
let saving = false
let heldSubmit = null // a press of a "Save" button made while an autosave was on its way

function say (message) {
  if (status) status.textContent = message
}

// The server's UTC time of the save, as the officer's own clock reads it.
function localTime (result) {
  const when = new Date(result.saved_at_utc)
  if (isNaN(when)) return result.saved_at
  return when.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

async function save () {
  if (saving) { timer = setTimeout(save, DELAY_MS); return }
  saving = true
  const body = new FormData(form)
  body.delete('action')
  try {
    const response = await fetch(form.dataset.autosaveUrl, {
      method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'application/json' }
    })
    const result = await response.json()
    if (result.saved) {
      form.querySelector('input[name="version"]').value = result.version
      say('Saved at ' + localTime(result))
    } else if (result.conflict) {
      say('Not saved: someone else saved this assessment since you opened this page. ' +
          'Your typing is still here; press "Save and continue" to see both.')
    } else {
      say('Not saved yet: check the highlighted answers, then press "Save and continue".')
    }
  } catch (error) {
    say('Not saved: the connection failed. Your typing is still on this page.')
  } finally {
    saving = false
    if (heldSubmit) {
      // Sent now, with the version this autosave got back: sent before, it would have
      // been refused as a conflict with the officer's own autosave.
      const submitter = heldSubmit.submitter
      heldSubmit = null
      form.requestSubmit(submitter)
    }
  }
}

if (form && form.dataset.autosaveUrl) {
  form.addEventListener('input', () => {
    clearTimeout(timer)
    say('Unsaved changes')
    timer = setTimeout(save, DELAY_MS)
  })
  form.addEventListener('submit', (event) => {
    clearTimeout(timer) // the button saves everything; no autosave after it
    if (saving) {
      event.preventDefault()
      heldSubmit = { submitter: event.submitter || null }
    }
  })
}
