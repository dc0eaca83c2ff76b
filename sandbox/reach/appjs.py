"""Small vanilla-JS pieces shared by the reach world's JavaScript apps (sandbox/reach/apps.py).

Written for this sandbox after how client-side routers, fetch-fed tables and category pickers
work in public SPA front-ends; every snippet runs as-is in Chromium (no build step)."""

from __future__ import annotations

import json

# Escape text before it goes into innerHTML.
ESC = (
    "function esc(s){return String(s==null?'':s).replace(/[&<>\"']/g,function(c){"
    "return {'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;',\"'\":'&#39;'}[c];});}\n"
)

# A history router: `router.push(path)`, clicks on any element with data-route (buttons, spans),
# back/forward; `render()` must be defined by the app and reads location.pathname.
ROUTER = (
    "var router={push:function(p){history.pushState({},'',p);render();window.scrollTo(0,0);}};\n"
    "document.addEventListener('click',function(e){var t=e.target.closest('[data-route]');"
    "if(t){e.preventDefault();router.push(t.getAttribute('data-route'));}});\n"
    "window.addEventListener('popstate',function(){render();});\n"
)


def js_value(value: object) -> str:
    """A JSON literal safe inside an inline <script> (no '</' can close it)."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def fetch_json(url_expr: str, then: str) -> str:
    """`fetch(url).then(json).then(function(d){<then>})` with a visible error on failure."""
    return (
        f"fetch({url_expr},{{headers:{{'Accept':'application/json'}}}})"
        ".then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.json();})"
        f".then(function(d){{{then}}})"
        ".catch(function(e){var m=document.getElementById('app-error');"
        "if(m)m.textContent='Could not load: '+e.message;});"
    )
