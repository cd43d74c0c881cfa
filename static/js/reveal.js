// Shows Q8 (why no consultation) only after a "No" at Q5-Q7, and the Q9 note only after a
// "No" at Q9. Without JavaScript both stay visible, so nobody misses them. A part holding
// an error message or a saved answer is never hidden: what will be printed stays in view.
for (const part of document.querySelectorAll('[data-reveal-when-no]')) {
  const names = part.dataset.revealWhenNo.split(' ')
  const inputs = names.flatMap(name => [...document.querySelectorAll(`input[name="${name}"]`)])
  const hasAnswer = [...part.querySelectorAll('textarea, input[type="text"]')]
    .some(box => box.value.trim() !== '')
  const update = () => {
    const anyNo = inputs.some(input => input.value === 'no' && input.checked)
    part.hidden = !anyNo && !hasAnswer && !part.querySelector('.govuk-form-group--error')
  }
  inputs.forEach(input => input.addEventListener('change', update))
  update()
}
