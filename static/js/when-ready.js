// A page that says a signed PDF is being prepared asks, every Retry-After seconds, whether
// it is ready yet (a HEAD of the PDF's address answers 200 rather than 202), and then says
// so in place: the "being prepared" words give way to the link, announced by the polite
// live region around them. Nothing reloads under the reader (a timed refresh is a WCAG
// 2.2.1 failure), and without JavaScript the page's own "check again" link does the same.
for (const box of document.querySelectorAll('[data-ehria-when-ready]')) {
  const url = box.dataset.ehriaWhenReady
  const seconds = Math.max(1, Number(box.dataset.ehriaRetryAfter) || 3)
  const check = async () => {
    let status = 0
    try {
      status = (await fetch(url, { method: 'HEAD', credentials: 'same-origin' })).status
    } catch (error) {
      status = 0 // the network is away: ask again later
    }
    if (status === 200) {
      for (const waiting of box.querySelectorAll('[data-ehria-waiting]')) waiting.hidden = true
      for (const ready of box.querySelectorAll('[data-ehria-ready]')) ready.hidden = false
    } else if (status === 202 || status === 0 || status >= 500) {
      setTimeout(check, seconds * 1000)
    }
  }
  setTimeout(check, seconds * 1000)
}
