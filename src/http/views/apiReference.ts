import { html, raw } from 'hono/html';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** A self-contained, server-rendered reference of the OpenAPI document (no external assets). */
export function renderApiReference(doc: { paths?: Record<string, Record<string, unknown>> }) {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Operation })),
  );
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>society-mailer API reference</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h2{font-size:1.1rem;margin-top:2.5rem;border-top:1px solid #ccc;padding-top:1rem}
code,pre{font-family:ui-monospace,monospace;font-size:.9rem}
pre{background:#f4f4f4;padding:.75rem;overflow:auto}
.m{display:inline-block;min-width:4.5rem;font-weight:700;color:#0b4f8a}
</style>
</head>
<body>
<h1>society-mailer API reference</h1>
<p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a>. Staff routes take a staff bearer token; partner routes take a partner API key.</p>
<nav><ul>${operations.map((o) => html`<li><a href="#${o.method}-${o.path}"><span class="m">${o.method.toUpperCase()}</span> <code>${o.path}</code></a> ${o.op.summary ?? ''}</li>`)}</ul></nav>
${operations.map(
  ({ path, method, op }) => html`<section id="${method}-${path}">
<h2><span class="m">${method.toUpperCase()}</span> <code>${path}</code></h2>
${op.summary ? html`<p><strong>${op.summary}</strong></p>` : ''}
${op.description ? html`<p>${op.description}</p>` : ''}
<p>Authentication: ${op.security?.length ? Object.keys(op.security[0] ?? {}).join(', ') : 'none (public)'}</p>
${op.parameters?.length ? html`<h3>Parameters</h3><ul>${op.parameters.map((p) => html`<li><code>${p.name}</code> (${p.in}${p.required ? ', required' : ''})</li>`)}</ul>` : ''}
${op.requestBody?.content ? html`<h3>Request body</h3><pre>${json(Object.values(op.requestBody.content)[0]?.schema)}</pre>` : ''}
<h3>Responses</h3><ul>${Object.entries(op.responses ?? {}).map(([code, r]) => html`<li><code>${code}</code> ${r.description ?? ''}</li>`)}</ul>
</section>`,
)}
${raw('')}
</body></html>`;
}
