"""extract.routes: routes of JavaScript apps from hand-written HTML and scripts."""

from __future__ import annotations

from extract.routes import (
    json_endpoints_from_script,
    routes_from_html,
    routes_from_script,
    script_urls,
)

BASE = "https://app.boostgram-panel.com/home"


def test_buttons_and_router_attributes():
    html = """<html><body>
    <nav>
      <button data-route="/services">Services</button>
      <div class="tile" data-href="pricing">Pricing</div>
      <li data-url="https://app.boostgram-panel.com/api">API</li>
      <span data-link="/faq#top">FAQ</span>
      <a routerLink="/ignored-anchor" href="/x">anchors are extract.links' job</a>
      <button routerLink="/add-funds">Add funds</button>
      <router-link to="/terms">Terms</router-link>
      <v-btn :to="'/contact'">Contact</v-btn>
      <a routerLink="/child-panel">no href in the source yet</a>
    </nav></body></html>"""
    assert routes_from_html(html, BASE) == [
        "https://app.boostgram-panel.com/services",
        "https://app.boostgram-panel.com/pricing",
        "https://app.boostgram-panel.com/api",
        "https://app.boostgram-panel.com/faq",
        "https://app.boostgram-panel.com/add-funds",
        "https://app.boostgram-panel.com/terms",
        "https://app.boostgram-panel.com/contact",
        "https://app.boostgram-panel.com/child-panel",
    ]


def test_click_handlers():
    html = """<body>
    <button onclick="location.href='/services'">Services</button>
    <div onclick="window.location = '/pricing?currency=INR'">Plans</div>
    <button onclick="window.location.assign('/api/docs')">API</button>
    <button @click="$router.push('/neworder')">Order</button>
    <button v-on:click="router.replace('/tickets')">Support</button>
    <button (click)="router.navigate(['/blog'])">Blog</button>
    <button onclick="navigate('/reviews')">Reviews</button>
    <button onclick="history.pushState({}, '', '/faq')">FAQ</button>
    </body>"""
    assert routes_from_html(html, BASE) == [
        "https://app.boostgram-panel.com/services",
        "https://app.boostgram-panel.com/pricing?currency=INR",
        "https://app.boostgram-panel.com/api/docs",
        "https://app.boostgram-panel.com/neworder",
        "https://app.boostgram-panel.com/tickets",
        "https://app.boostgram-panel.com/blog",
        "https://app.boostgram-panel.com/reviews",
        "https://app.boostgram-panel.com/faq",
    ]


def test_html_negatives_assets_external_params_and_fragments():
    html = """<body>
    <button data-href="https://other-panel.example/services">elsewhere</button>
    <button onclick="location.href='https://t.me/boostgram'">Telegram</button>
    <div data-url="/static/app.css">style</div>
    <div data-url="/img/logo.png">logo</div>
    <div data-route="/order/:id">param</div>
    <div data-route="#pricing">fragment only</div>
    <div data-route="javascript:void(0)">nothing</div>
    <button data-bs-target="/not-a-route-attribute">modal</button>
    <a href="/anchors-are-not-read-here">x</a>
    </body>"""
    assert routes_from_html(html, BASE) == []


def test_subdomains_of_the_site_are_the_same_site():
    html = '<button data-href="https://www.boostgram-panel.com/services">s</button>'
    assert routes_from_html(html, BASE) == ["https://www.boostgram-panel.com/services"]


def test_inline_scripts_are_read_for_route_tables():
    html = """<html><head><script>
      const routes = [{ path: '/', component: Home }, { path: '/services', component: Services }];
    </script><script type="application/ld+json">{"path": "/not-a-script-route"}</script>
    <script src="/js/app.js"></script></head><body><div id="app"></div></body></html>"""
    assert routes_from_html(html, BASE) == [
        "https://app.boostgram-panel.com/",
        "https://app.boostgram-panel.com/services",
    ]


def test_next_build_manifest():
    js = (
        "self.__BUILD_MANIFEST=function(s,a){return{__rewrites:{beforeFiles:[],afterFiles:[],"
        'fallback:[]},"/":[s,"static/chunks/pages/index-1a2b.js"],"/_error":["static/chunks/'
        'pages/_error-9f.js"],"/pricing":[s,a,"static/chunks/pages/pricing-77.js"],'
        '"/services/[slug]":[s,"static/chunks/pages/services/[slug]-3c.js"],'
        '"/blog/how-to-grow":[a],sortedPages:["\\u002F","\\u002F_app","\\u002F_error",'
        '"\\u002Fpricing","\\u002Fservices\\u002F[slug]","\\u002Fblog\\u002Fhow-to-grow",'
        '"\\u002Fcheckout"]}}("static/chunks/1.js","static/css/2.css");'
        "self.__BUILD_MANIFEST_CB&&self.__BUILD_MANIFEST_CB();"
    )
    assert routes_from_script(js, BASE) == [
        "https://app.boostgram-panel.com/",
        "https://app.boostgram-panel.com/pricing",
        "https://app.boostgram-panel.com/blog/how-to-grow",
        "https://app.boostgram-panel.com/checkout",
    ]


def test_vue_and_react_router_tables_in_a_minified_bundle():
    js = (
        'var r=[{path:"/",name:"home",component:Ho},{path:"/services",name:"services",'
        'component:()=>import("./Services.js")},{path:"/order/:id",component:Od},'
        '{path:"/faq",children:[{path:"",component:F}]},{path:"*",redirect:"/"}];'
        'o.jsx(ut,{path:"/price-list",element:o.jsx(Pl,{})});'
        'o.jsx(Lk,{to:"/contact-us",children:"Contact"});'
        'n.push("/x-not-a-router-call");this.$router.push("/add-funds");'
        'const s=i(),go=()=>s("/skipped");navigate("/blog");'
        'e.path="M12 2L2 7l10 5 10-5-10-5z";'
        'createFileRoute("/service-order")({component:X});'
    )
    assert routes_from_script(js, BASE) == [
        "https://app.boostgram-panel.com/",
        "https://app.boostgram-panel.com/services",
        "https://app.boostgram-panel.com/faq",
        "https://app.boostgram-panel.com/price-list",
        "https://app.boostgram-panel.com/service-order",
        "https://app.boostgram-panel.com/add-funds",
        "https://app.boostgram-panel.com/blog",
        "https://app.boostgram-panel.com/contact-us",
    ]


def test_angular_relative_routes_from_the_root():
    js = (
        "const routes: Routes = [{ path: '', component: HomeComponent },"
        " { path: 'services', component: ServicesComponent },"
        " { path: 'api-docs', loadChildren: () => import('./api/api.module') },"
        " { path: 'order/:id', component: OrderComponent }, { path: '**', redirectTo: '' }];"
    )
    page = "https://app.boostgram-panel.com/deep/page"
    assert routes_from_script(js, page) == [
        "https://app.boostgram-panel.com/services",
        "https://app.boostgram-panel.com/api-docs",
    ]


def test_relative_children_beside_absolute_paths_are_not_guessed():
    js = (
        '[{path:"/services",component:D,children:[{path:"",component:S},'
        '{path:":serviceId/view",component:V},{path:"new",component:N}]}]'
    )
    assert routes_from_script(js, BASE) == ["https://app.boostgram-panel.com/services"]


def test_script_negatives():
    js = (
        'import{path as p}from"./x.js";const a={path:"/static/js/chunk.js"};'
        'const b={path:"https://cdn.other.example/pricing"};fetch("/api/x");'
        'location.href="https://wa.me/15551234567";const c={path:"/_next/data"};'
    )
    assert routes_from_script(js, BASE) == []
    assert routes_from_script("", BASE) == []


def test_bounded():
    js = "".join(f'{{path:"/page-{i}",component:P}},' for i in range(500))
    routes = routes_from_script(js, BASE, limit=30)
    assert len(routes) == 30
    assert routes[0] == "https://app.boostgram-panel.com/page-0"


def test_script_urls_same_site_in_order():
    html = """<html><head>
    <script src="/_next/static/chunks/main-1.js"></script>
    <script src="https://cdn.jsdelivr.net/npm/vue@3"></script>
    <link rel="modulepreload" href="/assets/index-abc.js">
    <link rel="stylesheet" href="/assets/index.css">
    <script src="https://static.boostgram-panel.com/app.js"></script>
    <script>inline()</script>
    </head></html>"""
    assert script_urls(html, BASE) == [
        "https://app.boostgram-panel.com/_next/static/chunks/main-1.js",
        "https://app.boostgram-panel.com/assets/index-abc.js",
        "https://static.boostgram-panel.com/app.js",
    ]
    many = "".join(f'<script src="/c{i}.js"></script>' for i in range(50))
    assert len(script_urls(many, BASE, limit=5)) == 5
    assert script_urls("", BASE) == []


def test_json_endpoints():
    js = """
    fetch('/api/services').then(r => r.json());
    fetch(`/api/categories?lang=${lang}`);
    fetch(`/api/category/${id}/rows`);
    axios.get("/v1/packages.json");
    axios({method: 'post', url: '/api/quote'});
    $.getJSON('data/prices.json', cb);
    $.ajax({ type: "GET", url: "/ajax/services", dataType: "json" });
    var x = new XMLHttpRequest(); x.open("GET", "/services/list?page=1", true);
    fetch("https://api.boostgram-panel.com/public/catalog");
    fetch("https://www.google-analytics.com/collect");
    fetch("/static/app.js");
    """
    page = "https://app.boostgram-panel.com/shop/index"
    assert json_endpoints_from_script(js, page) == [
        "https://app.boostgram-panel.com/api/services",
        "https://app.boostgram-panel.com/api/categories",
        "https://api.boostgram-panel.com/public/catalog",
        "https://app.boostgram-panel.com/v1/packages.json",
        "https://app.boostgram-panel.com/shop/data/prices.json",
        "https://app.boostgram-panel.com/ajax/services",
        "https://app.boostgram-panel.com/api/quote",
        "https://app.boostgram-panel.com/services/list?page=1",
    ]
