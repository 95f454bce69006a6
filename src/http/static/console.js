// Progressive enhancement for the staff console: every page works without it.
// 1. A live audience count while the segment form is edited.
// 2. A campaign's progress bar that follows the send.
// 3. On the campaign form: only the chosen content source shows, only the
//    contracts for the chosen channel can be picked, and the preview follows
//    the content as it is typed (the Preview button does the same without it).
(() => {
  const countForm = document.querySelector('form[data-audience-count]');
  const countOut = document.getElementById('audience-count');
  // Only what decides the audience travels in the count's URL (never the content).
  const segmentFields = new Set([
    'topic',
    'channel',
    'countries',
    'languages',
    'membershipTypes',
    'chapters',
    'statuses',
    'joinedAfter',
    'joinedBefore',
    'renewedAfter',
    'kept',
    'replaceKept',
  ]);
  if (countForm && countOut) {
    let timer;
    const refresh = async () => {
      const params = new URLSearchParams();
      for (const [k, v] of new FormData(countForm))
        if (typeof v === 'string' && segmentFields.has(k)) params.append(k, v);
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

  const campaignForm = document.querySelector('form[data-live-preview]');
  const previewSection = document.querySelector('[data-preview]');
  if (campaignForm && previewSection) {
    const showSource = () => {
      const source = campaignForm.querySelector('input[name="source"]:checked')?.value ?? 'template';
      for (const part of campaignForm.querySelectorAll('[data-source]'))
        part.hidden = part.dataset.source !== source;
    };
    const channel = campaignForm.querySelector('#channel');
    const contract = campaignForm.querySelector('#contractId');
    const fitContracts = () => {
      if (!channel || !contract) return;
      for (const option of contract.querySelectorAll('option[data-service]')) {
        option.disabled = option.dataset.service !== channel.value;
        if (option.disabled && option.selected) contract.value = '';
      }
    };
    showSource();
    fitContracts();

    const status = previewSection.querySelector('[data-preview-status]');
    const subjectLine = previewSection.querySelector('[data-preview-subject-line]');
    const subject = previewSection.querySelector('[data-preview-subject]');
    const frames = previewSection.querySelector('.previews');
    const content =
      /^(subject|defaultLanguage|source|template|mjml|topic|previewLanguage|variant\d+(Language|Subject|Mjml))$/;
    let timer;
    let latest = 0;
    const refresh = async () => {
      const asked = ++latest;
      const params = new URLSearchParams();
      for (const [k, v] of new FormData(campaignForm)) if (typeof v === 'string') params.append(k, v);
      status.textContent = 'Updating the preview…';
      try {
        const res = await fetch(campaignForm.dataset.livePreview, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: params,
        });
        if (asked !== latest) return;
        const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
        if (res.ok && body) {
          subject.textContent = body.subject;
          for (const frame of frames.querySelectorAll('iframe')) frame.srcdoc = body.html;
          subjectLine.hidden = false;
          frames.hidden = false;
          status.textContent = 'The preview shows the content as it is now (not saved yet).';
        } else if (body?.errors) {
          status.textContent = `The preview cannot be shown: ${Object.values(body.errors).join('; ')}`;
        } else {
          status.textContent = 'The preview could not be updated; use the Preview button.';
        }
      } catch {
        if (asked === latest)
          status.textContent = 'The preview could not be updated; use the Preview button.';
      }
    };
    const changed = (event) => {
      if (event.target.name === 'source') showSource();
      if (event.target === channel) fitContracts();
      if (!content.test(event.target.name ?? '')) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    };
    campaignForm.addEventListener('input', changed);
    campaignForm.addEventListener('change', changed);
  }
})();
