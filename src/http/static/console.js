// Progressive enhancement for the staff console: every page works without it.
// 1. A live audience count while the segment form is edited.
// 2. A campaign's progress bar that follows the send.
(() => {
  const countForm = document.querySelector('form[data-audience-count]');
  const countOut = document.getElementById('audience-count');
  if (countForm && countOut) {
    let timer;
    const refresh = async () => {
      const params = new URLSearchParams();
      for (const [k, v] of new FormData(countForm))
        if (typeof v === 'string' && k !== 'csrf') params.append(k, v);
      try {
        const res = await fetch(`${countForm.dataset.audienceCount}?${params}`, {
          credentials: 'same-origin',
        });
        const body = await res.json();
        countOut.textContent = res.ok ? `${body.total} members would receive it now.` : body.message;
      } catch {
        countOut.textContent = 'The count could not be updated; use the Count button.';
      }
    };
    countForm.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
  }

  const progress = document.querySelector('[data-progress-url]');
  if (progress) {
    const bar = progress.querySelector('progress');
    const text = progress.querySelector('[data-progress-text]');
    const state = document.querySelector('[data-campaign-state]');
    const live = ['scheduled', 'building', 'sending'];
    const poll = async () => {
      try {
        const res = await fetch(progress.dataset.progressUrl, { credentials: 'same-origin' });
        if (res.ok) {
          const p = await res.json();
          bar.max = Math.max(p.audience, 1);
          bar.value = p.done;
          text.textContent = p.summary;
          if (state && state.textContent !== p.state) {
            if (!live.includes(p.state)) return window.location.reload();
            state.textContent = p.state;
          }
          if (!live.includes(p.state)) return;
        }
      } catch {}
      setTimeout(poll, 1500);
    };
    if (live.includes(progress.dataset.state)) setTimeout(poll, 1500);
  }
})();
