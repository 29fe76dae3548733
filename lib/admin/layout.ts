import type { AdminContext } from './context';
import { href } from './context';
import { html, raw, type SafeHtml } from './html';

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:.6rem 1.2rem;display:flex;align-items:center;gap:1rem}
header a{color:#fff;text-decoration:none;font-weight:600}header form{margin-left:auto}
main{max-width:72rem;margin:1.2rem auto;padding:0 1.2rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e1e4e8;vertical-align:top}
th a{color:inherit}a{color:#1f5fa8}
.bar{display:flex;gap:.8rem;flex-wrap:wrap;align-items:end;margin:.8rem 0}
label{display:block;font-weight:600;margin-top:.8rem}input,select,textarea{font:inherit;padding:.3rem;max-width:100%}
textarea{width:40rem;height:8rem}.check{margin-top:.8rem}.check label{display:inline;font-weight:normal}
.error{color:#b00020;margin:.2rem 0}.notice{background:#fff4d6;padding:.6rem;border:1px solid #e9d38c}
button,.button{font:inherit;padding:.35rem .9rem;border:1px solid #1f3a5f;background:#1f3a5f;color:#fff;border-radius:3px;cursor:pointer;text-decoration:none}
.danger{background:#b00020;border-color:#b00020}.pages a,.pages strong{margin-right:.5rem}
`;

/** Wraps page content in the admin's document: header, sign-out button and styles. */
export function layout(ctx: AdminContext, title: string, body: SafeHtml): SafeHtml {
  const signOut = ctx.signedIn
    ? html`<form method="post" action="${href(ctx, '/logout')}">
        <input type="hidden" name="csrf" value="${ctx.csrf}" /><button type="submit">Sign out</button>
      </form>`
    : '';
  return html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width,initial-scale=1" />
      <title>${title} · keelson admin</title>
      <style>
        ${raw(STYLE)}
      </style>
    </head>
    <body>
      <header><a href="${href(ctx, '/')}">keelson admin</a>${ctx.options.readOnly ? html`<span>(read-only)</span>` : ''}${signOut}</header>
      <main>
        <h1>${title}</h1>
        ${body}
      </main>
    </body>
  </html>`;
}

/** A hidden input carrying the page's CSRF token; every POST form includes it. */
export function csrfInput(ctx: AdminContext): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${ctx.csrf}" />`;
}
