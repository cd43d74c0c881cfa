// Saves a draft step a few seconds after typing stops, and says so in the status line.
// Without JavaScript the "Save" buttons do the same; this only spares a lost afternoon.
const form = document.getElementById('step-form')
const status = document.getElementById('autosave-status')
const DELAY_MS = 3000
let timer = null
let saving = false

function say (message) {
  if (status) status.textContent = message
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
      say('Saved at ' + result.saved_at)
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
  }
}

if (form && form.dataset.autosaveUrl) {
  form.addEventListener('input', () => {
    clearTimeout(timer)
    say('Unsaved changes')
    timer = setTimeout(save, DELAY_MS)
  })
}
