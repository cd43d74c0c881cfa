// Shows a part of a step page only once one of the answers it depends on is given, as the
// template declares (`shown_when` of a question, `note_shown_when` of its note): Q8 (why
// no consultation) after a "No" at Q5-Q7, the Q9 note after a "No" at Q9. The server
// writes which answers reveal it as data-reveal-when="name=value name=value". Without
// JavaScript every part stays visible, so nobody misses one. A part holding an error
// message or a saved answer is never hidden: what will be printed stays in view.
for (const part of document.querySelectorAll('[data-reveal-when]')) {
  const pairs = part.dataset.revealWhen.split(' ').map(pair => pair.split('='))
  const inputs = pairs.flatMap(([name]) => [...document.querySelectorAll(`input[name="${name}"]`)])
  const hasAnswer = [...part.querySelectorAll('textarea, input[type="text"]')]
    .some(box => box.value.trim() !== '')
  const update = () => {
    const revealed = pairs.some(([name, value]) => inputs.some(
      input => input.name === name && input.value === value && input.checked))
    part.hidden = !revealed && !hasAnswer && !part.querySelector('.govuk-form-group--error')
  }
  inputs.forEach(input => input.addEventListener('change', update))
  update()
}
