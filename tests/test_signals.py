# ruff: noqa: E501
# (hand-written HTML fixtures keep their real line lengths)
"""extract.signals on realistic hand-written pages (also imported by test_links / test_portal)."""

from __future__ import annotations

import pytest

from extract.signals import count_prices, page_signals

PERFECT_HOME = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>FastSMM - Cheapest SMM Panel for Instagram, TikTok and YouTube</title>
<link rel="shortcut icon" type="image/ico" href="https://cdn.mypanel.link/a1b2c3/favicon.ico">
<link rel="apple-touch-icon" href="/img/apple-touch.png">
<link href="https://cdn.mypanel.link/global/css/bootstrap.min.css" rel="stylesheet">
<script>window.modules = {};</script></head>
<body><nav class="navbar"><a class="navbar-brand" href="/">FastSMM</a>
<ul class="nav"><li class="active"><a href="/">Sign in</a></li><li><a href="/services">Services</a></li>
<li><a href="/api">API</a></li><li><a href="/signup">Sign up</a></li><li><a href="/faq">FAQ</a></li></ul></nav>
<div class="container"><div class="row"><div class="col-md-6">
<h1>World's cheapest SMM panel</h1>
<p>Instagram followers, likes and views, TikTok followers, YouTube subscribers and views
delivered instantly. Resellers welcome: connect through our API v2.</p></div>
<div class="col-md-6"><div class="well"><form method="post" action="/">
<input type="hidden" name="_csrf" value="abc">
<div class="form-group"><label for="username">Username</label><input type="text" class="form-control" id="username" name="LoginForm[username]"></div>
<div class="form-group"><label for="password">Password</label><input type="password" class="form-control" id="password" name="LoginForm[password]"></div>
<label><input type="checkbox" name="LoginForm[remember]"> Remember me</label>
<a href="/resetpassword" class="forgot-password">Forgot password?</a>
<button type="submit" class="btn btn-primary">Sign in</button>
<p>Do not have an account? <a href="/signup">Sign up</a></p></form></div></div></div></div>
<div class="features"><h2>Why us</h2><p>Instant start, non drop services, lifetime guarantee on refill
services, payments by PayPal, Perfect Money and crypto. Add funds in seconds.</p></div>
<footer><a href="/terms">Terms</a> <a href="/blog">Blog</a> <a href="https://twitter.com/fastsmm">Twitter</a></footer>
<script src="https://cdn.mypanel.link/global/js/jquery.min.js"></script>
<script src="https://cdn.mypanel.link/global/js/bootstrap.min.js"></script>
</body></html>"""


def _smart_row(i: int, name: str, rate: str) -> str:
    return (
        f"<tr><td>{i}</td><td>{name}</td><td>{rate}</td><td>100 / 50000</td>"
        f'<td><a href="/order/add?service={i}" class="btn btn-sm">Buy</a></td></tr>'
    )


SMART_SERVICES = (
    """<!DOCTYPE html><html><head><title>Services - PeakPanel</title>
<link rel="icon" href="assets/uploads/favicon.png" type="image/png">
<script src="/assets/js/vendors/jquery-3.2.1.min.js"></script></head>
<body><header><a href="/">Home</a> <a href="/services">Services</a> <a href="/api/docs">API</a>
<a href="/auth/login">Login</a> <a href="/auth/signup">Sign Up</a></header>
<div class="page-header"><h1 class="page-title">Services</h1></div>
<table class="table table-hover table-bordered table-vcenter card-table" id="services-table">
<thead><tr><th>ID</th><th>Name</th><th>Rate per 1000($)</th><th>Min / Max order</th><th>Action</th></tr></thead>
<tbody><tr class="category"><td colspan="5"><strong>Instagram Followers</strong></td></tr>"""
    + _smart_row(101, "Instagram Followers [Real] [Refill 30 Days]", "$1.20")
    + _smart_row(102, "Instagram Followers HQ - 50k/day", "$2.05")
    + _smart_row(103, "Instagram Likes [Instant]", "$0.35")
    + _smart_row(104, "TikTok Views [Max 10M]", "$0.02")
    + _smart_row(105, "YouTube Subscribers [Non Drop]", "$18.40")
    + """</tbody></table>
<ul class="pagination"><li class="active"><a href="/services?page=1">1</a></li>
<li><a href="/services?page=2">2</a></li><li><a href="/services?page=3">3</a></li>
<li><a href="/services?page=2" rel="next">Next &raquo;</a></li></ul>
<footer>Contact: <a href="mailto:do-not-reply@smartpanel.com">email</a> <a href="/terms">Terms</a></footer>
<script src="/assets/js/core.js"></script></body></html>"""
)

WOO_SHOP = """<!DOCTYPE html><html lang="en-US"><head><title>Shop - Likesy</title>
<link rel="icon" href="https://likesy.in/wp-content/uploads/2023/01/cropped-icon-32x32.png" sizes="32x32">
<link rel='stylesheet' href='https://likesy.in/wp-content/plugins/woocommerce/assets/css/woocommerce.css' />
<script src='https://likesy.in/wp-includes/js/jquery/jquery.min.js'></script></head>
<body class="archive post-type-archive post-type-archive-product woocommerce woocommerce-page">
<header><a href="https://likesy.in/">Home</a> <a href="https://likesy.in/shop/">Shop</a>
<a href="https://likesy.in/product-category/instagram/">Instagram</a>
<a href="https://likesy.in/my-account/">My account</a> <a href="https://likesy.in/cart/">Cart</a>
<a href="https://likesy.in/contact-us/">Contact us</a></header>
<ul class="products columns-3">
<li class="product"><a href="https://likesy.in/product/1000-instagram-followers/" class="woocommerce-LoopProduct-link">
<img src="https://likesy.in/wp-content/uploads/ig.png" alt=""><h2 class="woocommerce-loop-product__title">1000 Instagram Followers</h2>
<span class="price"><span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol">&#8377;</span>199.00</bdi></span></span></a>
<a href="?add-to-cart=41" class="button add_to_cart_button">Add to cart</a></li>
<li class="product"><a href="https://likesy.in/product/5000-instagram-likes/"><h2 class="woocommerce-loop-product__title">5000 Instagram Likes</h2>
<span class="price"><span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol">&#8377;</span>349.00</bdi></span></span></a>
<a href="?add-to-cart=42" class="button add_to_cart_button">Add to cart</a></li>
<li class="product"><a href="https://likesy.in/product/10000-youtube-views/"><h2 class="woocommerce-loop-product__title">10000 YouTube Views</h2>
<span class="price"><span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol">&#8377;</span>499.00</bdi></span></span></a>
<a href="?add-to-cart=43" class="button add_to_cart_button">Add to cart</a></li></ul>
<nav class="woocommerce-pagination"><a class="page-numbers" href="https://likesy.in/shop/page/2/">2</a>
<a class="next page-numbers" href="https://likesy.in/shop/page/2/">&rarr;</a></nav>
<a href="https://likesy.in/shop/?orderby=price&amp;filter_color=red&amp;min_price=10">Cheapest red</a>
<footer><a href="https://likesy.in/refund-policy/">Refund policy</a> <a href="https://likesy.in/privacy-policy/">Privacy</a></footer>
<script src='https://likesy.in/wp-content/plugins/woocommerce/assets/js/frontend/woocommerce.min.js'></script>
</body></html>"""

REACT_SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8"/>
<link rel="icon" href="/favicon.svg"/><meta name="viewport" content="width=device-width,initial-scale=1"/>
<title>Boostly</title><script defer="defer" src="/static/js/main.8f3a1c2e.js"></script>
<link href="/static/css/main.1b2c3d4e.css" rel="stylesheet"></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>"""

JQUERY_PAGE = """<!DOCTYPE html><html><head><title>Prices - Social Boost</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}
gtag('js', new Date()); gtag('config', 'G-ABC123XYZ9');</script>
<script src="https://code.jquery.com/jquery-3.6.0.min.js"></script></head>
<body><div id="app"><h1>Our prices</h1>
<noscript>Please enable JavaScript to chat with us.</noscript>
<table class="table"><thead><tr><th>Service</th><th>Price per 1000</th><th>Min</th><th>Max</th></tr></thead>
<tbody><tr><td>Instagram Followers - Real</td><td>$2.10</td><td>50</td><td>20000</td></tr>
<tr><td>Instagram Likes - Instant</td><td>$0.40</td><td>20</td><td>50000</td></tr>
<tr><td>TikTok Views</td><td>$0.03</td><td>100</td><td>10000000</td></tr></tbody></table>
<p>Orders start within minutes. Questions? Our team answers around the clock in the chat.</p>
<div class="chat-status">Loading...</div></div>
<script>var Tawk_API=Tawk_API||{};(function(){var s1=document.createElement("script");
s1.src='https://embed.tawk.to/5f1a2b3c4d5e6f7a8b9c0d1e/default';document.head.appendChild(s1);})();</script>
<script>$(function(){ $('.table').addClass('ready'); });</script></body></html>"""

EMPTY_TABLE_FETCH = """<!DOCTYPE html><html><head><title>Services | GrowPanel</title>
<script src="/js/app.js"></script></head><body>
<nav><a href="/">Home</a> <a href="/services">Services</a> <a href="/login">Login</a></nav>
<h1>Services</h1><input id="search" placeholder="Search services">
<table id="services"><thead><tr><th>ID</th><th>Service</th><th>Rate per 1000</th><th>Min</th><th>Max</th></tr></thead>
<tbody id="services-body"></tbody></table>
<script>fetch('/ajax/services').then(r => r.json()).then(rows => render(rows));</script>
</body></html>"""

CF_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"><meta name="robots" content="noindex,nofollow"></head>
<body><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">fastsmm.example</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
<div id="challenge-body-text" class="core-msg spacer">fastsmm.example needs to review the security of your connection before proceeding.</div>
<script>(function(){window._cf_chl_opt={cvId: '2',cZone: 'fastsmm.example',cType: 'managed'};
var a = document.createElement('script');a.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/managed/v1?ray=7d1f2a3b4c5d6e7f';
document.getElementsByTagName('head')[0].appendChild(a);}());</script></div></div>
<div class="footer">Ray ID: <code>7d1f2a3b4c5d6e7f</code> Performance &amp; security by Cloudflare</div></body></html>"""

CF_HEADERS = {"Server": "cloudflare", "CF-RAY": "7d1f2a3b4c5d6e7f-FRA", "Content-Type": "text/html"}

# A normal page served through Cloudflare: CDN scripts, the bot-management beacon, an email
# protection link, and a blog paragraph that mentions Cloudflare and captchas.
NORMAL_CF = """<!DOCTYPE html><html><head><title>Blog - How we keep the panel fast</title>
<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/3.6.0/jquery.min.js"></script>
<script defer src="https://static.cloudflareinsights.com/beacon.min.js" data-cf-beacon='{"token": "abc"}'></script></head>
<body><h1>How we keep the panel fast</h1>
<p>We moved our DNS to Cloudflare last year. Some visitors from data centers may see a
"Just a moment" screen or a captcha once; ordinary customers are never asked to verify anything.
The CDN caches images and our status page shows the Ray ID of every request for support.</p>
<p>Write to <a href="/cdn-cgi/l/email-protection#a1b2">[email&#160;protected]</a> with questions.
Our engineers wrote three more posts about caching, queues and the database that stores
your orders, and how the panel keeps the services list current for thousands of resellers.</p>
<script>(function(){var js = "window['__CF$cv$params']={r:'7d1f2a3b'};_cpo=document.createElement('script');
_cpo.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';document.getElementsByTagName('head')[0].appendChild(_cpo);";})();</script>
</body></html>"""

PARKED = """<!DOCTYPE html><html><head><title>fastfollowers.example - This domain is for sale!</title>
<script src="https://www.dan.com/assets/lander.js"></script></head>
<body><div class="parking"><h1>This domain is for sale</h1>
<p>fastfollowers.example may be for sale. Make an offer or buy this domain now.</p>
<a href="/buy-domain?d=fastfollowers.example">Buy now for $2,495</a>
<div class="related">Related searches: Social Media Marketing, Instagram Followers</div></div></body></html>"""

NEWS = """<!DOCTYPE html><html><head><title>Police bust fake follower racket | City Times</title>
<meta property="og:type" content="article"></head>
<body><header><a href="/">City Times</a> <a href="/news/india">India</a> <a href="/news/tech">Tech</a></header>
<article><h1>Police bust fake follower racket selling likes to influencers</h1>
<p class="byline">By Staff Reporter | <time datetime="2026-08-02">2 August 2026</time></p>
<p>Investigators say the operators sold 1000 Instagram followers for as little as Rs 199 and ran
more than 50 SMM panels. One customer said: we once paid $5 for 1000 likes. According to
the police, fake accounts were used to inflate views and subscribers on YouTube and TikTok.</p>
<p>The racket took payments through UPI and added funds to reseller panels through an API.</p></article>
<footer><a href="/terms">Terms</a> <a href="/privacy">Privacy</a></footer></body></html>"""

AGENCY = """<!DOCTYPE html><html><head><title>Brightside Social - Social media management for brands</title></head>
<body><nav><a href="/">Home</a> <a href="/pricing">Pricing</a> <a href="/contact">Contact</a></nav>
<h1>Social media management for brands</h1>
<p>We plan your Instagram, TikTok and LinkedIn content and grow real followers organically.</p>
<table class="plans"><tr><th>Plan</th><th>Price</th><th>Includes</th></tr>
<tr><td>Starter plan</td><td>$299/month</td><td>12 posts, 1 platform</td></tr>
<tr><td>Growth plan</td><td>$599/month</td><td>24 posts, 3 platforms, stories</td></tr>
<tr><td>Enterprise</td><td>$1,499/month</td><td>Daily content, ads, reporting</td></tr></table>
<p>Content calendars, community management and reporting. We never buy followers.</p></body></html>"""

DIRECTORY = (
    """<!DOCTYPE html><html><head><title>Best SMM Panels 2026 - Top 10 ranking</title></head>
<body><h1>Best SMM panels 2026</h1><p>Our ranking of cheap SMM panels for Instagram followers,
TikTok views and YouTube subscribers, rated by price per 1000 and support.</p><ol>"""
    + "".join(
        f'<li><a href="https://{d}/">{d}</a> - rated 4.{i}/5, from ${i}.50 per 1000 followers</li>'
        for i, d in enumerate(
            [
                "fastsmm.example",
                "peakpanel.example",
                "smmking.example",
                "boostly.example",
                "growpanel.example",
                "likesy.example",
                "panelpro.example",
            ]
        )
    )
    + """</ol><p><a href="/about">About our reviews</a></p></body></html>"""
)

API_V2 = """<!DOCTYPE html><html><head><title>API - FastSMM</title></head><body>
<nav><a href="/services">Services</a> <a href="/addfunds">Add funds</a> <a href="/api">API</a></nav>
<h2>API</h2><table class="table"><tr><td>HTTP Method</td><td>POST</td></tr>
<tr><td>API URL</td><td>https://fastsmm.example/api/v2</td></tr><tr><td>Response format</td><td>JSON</td></tr></table>
<h4>Service list</h4><table class="table"><thead><tr><th>Parameters</th><th>Description</th></tr></thead>
<tbody><tr><td>key</td><td>Your API key</td></tr><tr><td>action</td><td>services</td></tr></tbody></table>
<pre>[{"service": 1, "name": "Followers", "type": "Default", "category": "First Category", "rate": "0.90", "min": "50", "max": "10000", "refill": true}]</pre>
<h4>Add order</h4><table class="table"><tbody><tr><td>key</td><td>Your API key</td></tr>
<tr><td>action</td><td>add</td></tr><tr><td>service</td><td>Service ID</td></tr><tr><td>link</td><td>Link to page</td></tr>
<tr><td>quantity</td><td>Needed quantity</td></tr></tbody></table>
<h4>Order status</h4><table class="table"><tbody><tr><td>key</td><td>Your API key</td></tr>
<tr><td>action</td><td>status</td></tr><tr><td>order</td><td>Order ID</td></tr></tbody></table>
<a href="/example.txt" class="btn">Example of PHP code</a></body></html>"""

API_V1_SMART = """<!DOCTYPE html><html><head><title>API Documentation</title></head><body>
<h3>API Documentation</h3><p>API URL: <code>https://peakpanel.example/api/v1</code></p>
<p>Parameters: <code>key</code>, <code>action=services</code> returns the service list;
<code>action=add</code> places an order; <code>action=status</code> shows an order status;
<code>action=balance</code> shows your balance.</p></body></html>"""


URL = "https://fastsmm.example/"
PORTAL_PAGES = ["PERFECT_HOME", "SMART_SERVICES", "WOO_SHOP", "JQUERY_PAGE", "API_V2"]
NOT_PORTAL_PAGES = ["NEWS", "AGENCY", "DIRECTORY", "NORMAL_CF"]


def sig(html: str, status: int = 200, headers: dict | None = None, url: str = URL):
    return page_signals(html, url, status, headers)


def test_title_and_favicons():
    s = sig(PERFECT_HOME)
    assert s.title.startswith("FastSMM - Cheapest SMM Panel")
    assert s.favicon_urls == [
        "https://cdn.mypanel.link/a1b2c3/favicon.ico",
        "https://fastsmm.example/img/apple-touch.png",
    ]
    services = sig(SMART_SERVICES, url="https://peakpanel.example/services")
    assert services.favicon_urls == ["https://peakpanel.example/assets/uploads/favicon.png"]
    # nothing declared: the default icon of the origin
    assert sig(NEWS, url="http://news.example/a/b?x=1").favicon_urls == [
        "http://news.example/favicon.ico"
    ]


def test_cloudflare_challenge_with_ray_header():
    s = sig(CF_CHALLENGE, 503, CF_HEADERS)
    assert s.challenge and not s.parked and not s.needs_render
    assert s.title == "Just a moment..."
    # the body alone proves it, whatever the status
    assert sig(CF_CHALLENGE, 200).challenge


def test_normal_page_through_cloudflare_is_not_a_challenge():
    for status in (200, 503):
        s = sig(NORMAL_CF, status, CF_HEADERS)
        assert not s.challenge, status
    # a portal page served by Cloudflare, with Cloudflare headers
    assert not sig(SMART_SERVICES, 200, CF_HEADERS).challenge
    assert not sig(PERFECT_HOME, 403, CF_HEADERS).challenge


def test_ban_and_other_vendors():
    ban = (
        "<html><head><title>Attention Required! | Cloudflare</title></head><body>"
        "<h1>Sorry, you have been blocked</h1><h2>You are unable to access fastsmm.example</h2>"
        "<p>Why have I been blocked?</p><p>Cloudflare Ray ID: 7d1f2a3b4c5d6e7f</p></body></html>"
    )
    assert sig(ban, 403, CF_HEADERS).challenge
    ddos = (
        "<html><head><title>DDoS-Guard</title></head><body><div>Checking your browser before "
        "accessing fastsmm.example</div><script src='/.well-known/ddos-guard/check?context=free_splash'>"
        "</script></body></html>"
    )
    assert sig(ddos, 403, {"Server": "ddos-guard"}).challenge
    hcaptcha = (
        "<html><head><title>One more step</title></head><body><h1>Please complete the security "
        "check to access</h1><div class='h-captcha' data-sitekey='x'></div>"
        "<script src='https://hcaptcha.com/1/api.js'></script></body></html>"
    )
    assert sig(hcaptcha, 200).challenge


def test_login_page_with_captcha_widget_is_not_a_challenge():
    html = PERFECT_HOME.replace(
        "</form>", "<div class='g-recaptcha' data-sitekey='x'></div></form>"
    ).replace("</body>", "<script src='https://www.google.com/recaptcha/api.js'></script></body>")
    assert not sig(html).challenge


def test_parked_page():
    s = sig(PARKED)
    assert s.parked and not s.challenge
    assert s.portal_score == 0.0


def test_portal_that_mentions_an_offer_is_not_parked():
    html = SMART_SERVICES.replace(
        "</footer>", " We accept any offer for bulk orders: make an offer by ticket.</footer>"
    )
    assert not sig(html).parked
    # a parking-service name inside another host name is not a parking service
    assert not sig(
        NEWS.replace("City Times</a>", "City Times</a> <a href='https://jordan.com/'>J</a>")
    ).parked


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_pages_score_high(name):
    assert sig(globals()[name]).portal_score >= 0.6, name


@pytest.mark.parametrize("name", NOT_PORTAL_PAGES)
def test_lookalike_pages_score_low(name):
    assert sig(globals()[name]).portal_score <= 0.2, name


def test_score_orders_panel_above_lookalikes():
    panel = sig(SMART_SERVICES).portal_score
    assert all(panel > sig(globals()[n]).portal_score for n in NOT_PORTAL_PAGES)


def test_react_shell_needs_render():
    s = sig(REACT_SHELL)
    assert s.needs_render and "app shell" in s.render_reason


def test_empty_table_filled_by_fetch_needs_render():
    s = sig(EMPTY_TABLE_FETCH)
    assert s.needs_render and "no data rows" in s.render_reason
    # the same table with its rows server-rendered does not
    filled = EMPTY_TABLE_FETCH.replace(
        '<tbody id="services-body"></tbody>',
        "<tbody><tr><td>1</td><td>Instagram Likes</td><td>$0.40</td><td>10</td><td>5000</td></tr></tbody>",
    )
    assert not sig(filled).needs_render


def test_loading_placeholder_row_needs_render():
    html = EMPTY_TABLE_FETCH.replace(
        '<tbody id="services-body"></tbody>',
        '<tbody><tr><td colspan="5" class="text-center">Loading services...</td></tr></tbody>',
    )
    assert sig(html).needs_render


@pytest.mark.parametrize(
    "name", ["JQUERY_PAGE", "PERFECT_HOME", "SMART_SERVICES", "WOO_SHOP", "NEWS", "API_V2"]
)
def test_server_rendered_pages_with_scripts_do_not_need_render(name):
    s = sig(globals()[name])
    assert not s.needs_render, (name, s.render_reason)


def test_server_rendered_next_page_is_not_a_shell():
    html = (
        '<html><head><title>Boostly</title><script src="/_next/static/chunks/main-1a2b.js" defer></script>'
        '</head><body><div id="__next"><h1>Buy Instagram followers</h1><div class="card">1000 followers'
        ' $9.99</div><div class="card">5000 followers $39.99</div></div>'
        '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}}}</script></body></html>'
    )
    assert not sig(html).needs_render
    # the same bundle with an empty mount point and no data is a shell
    shell = html.replace(
        html[html.index('<div id="__next">') : html.index("<script id")], '<div id="__next"></div>'
    )
    shell = shell.replace(
        '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}}}</script>', ""
    )
    assert sig(shell).needs_render


def test_unrendered_vue_template_needs_render():
    html = (
        "<html><head><script src='/js/vue.min.js'></script></head><body><div id='services'>"
        "<table><tr v-for='s in services'><td>{{ s.name }}</td><td>{{ s.rate }}</td></tr></table>"
        "<p>Cheap Instagram services, instant start, best prices for resellers in the market."
        "</p></div></body></html>"
    )
    s = sig(html)
    assert s.needs_render and "template" in s.render_reason


def test_api_variants():
    assert sig(API_V2).api_variant == "v2"
    assert sig(API_V1_SMART).api_variant == "v1"
    # a page that only links or names the endpoint does not document it
    assert sig(PERFECT_HOME).api_variant is None
    mention = "<html><body><p>Resellers: our endpoint is /api/v2, ask support.</p></body></html>"
    assert sig(mention).api_variant is None


def test_empty_and_broken_input():
    s = sig("")
    assert s.title == "" and not s.challenge and not s.parked and s.portal_score == 0.0
    assert sig("<?xml version='1.0' encoding='utf-8'?><html><title>x</title></html>").title == "x"


def test_count_prices():
    assert count_prices("1000 followers $3.95, 5000 for 12 usd, rs 199 and 50 ₺") == 4
    assert count_prices("100 followers in 2 days") == 0


def test_script_only_parking_lander():
    html = (
        "<html><head><title>smmkingpanel.example</title>"
        '<script src="https://www.google.com/adsense/domains/caf.js"></script>'
        '<script>window.park = "eyJ1dWlkIjoiMTIzIn0=";</script></head>'
        '<body><div id="target"></div><script src="/bNjRmhNeE.js"></script></body></html>'
    )
    s = sig(html)
    assert s.parked and not s.needs_render


def test_for_sale_in_the_title_only():
    html = (
        "<html><head><title>panelpro.example is for sale | Buy this domain</title></head>"
        "<body><h1>panelpro.example</h1><p>Price: $2,500. Secure transfer.</p></body></html>"
    )
    assert sig(html).parked


def test_sticky_header_table_apart_from_its_rows_is_not_empty():
    rows = "".join(
        f"<tr><td>{i}</td><td>Instagram Likes {i}</td><td>$0.{i}0</td><td>10</td><td>5000</td></tr>"
        for i in range(1, 6)
    )
    html = EMPTY_TABLE_FETCH.replace(
        '<tbody id="services-body"></tbody></table>',
        f'</table><table class="body"><tbody>{rows}</tbody></table>',
    )
    assert not sig(html).needs_render


TR_SERVICES = """<html><head><title>Servisler - TakipciPanel</title></head><body>
<nav><a href="/servisler">Servisler</a> <a href="/bakiye-yukle">Bakiye Yükle</a> <a href="/api">API</a> <a href="/kayit">Kayıt Ol</a></nav>
<table><thead><tr><th>ID</th><th>Servis</th><th>1000 Adet Fiyatı</th><th>Minimum</th><th>Maksimum</th></tr></thead><tbody>
<tr><td>1</td><td>Instagram Türk Takipçi</td><td>45,00 ₺</td><td>100</td><td>10000</td></tr>
<tr><td>2</td><td>Instagram Beğeni</td><td>8,50 ₺</td><td>50</td><td>50000</td></tr>
<tr><td>3</td><td>TikTok İzlenme</td><td>1,20 ₺</td><td>100</td><td>1000000</td></tr></tbody></table></body></html>"""

RU_SERVICES = """<html><head><title>Услуги - СММ панель</title></head><body>
<a href="/uslugi">Услуги</a> <a href="/popolnit">Пополнить баланс</a>
<table><tr><th>ID</th><th>Услуга</th><th>Цена за 1000</th><th>Мин</th><th>Макс</th></tr>
<tr><td>1</td><td>Instagram подписчики</td><td>120 ₽</td><td>100</td><td>10000</td></tr>
<tr><td>2</td><td>Instagram лайки</td><td>25 ₽</td><td>50</td><td>50000</td></tr>
<tr><td>3</td><td>YouTube просмотры</td><td>90 ₽</td><td>100</td><td>1000000</td></tr></table></body></html>"""


@pytest.mark.parametrize("html", [TR_SERVICES, RU_SERVICES])
def test_services_pages_in_other_languages_score_high(html):
    assert sig(html).portal_score >= 0.7


def test_api_url_in_a_readonly_input():
    html = (
        "<html><body><h2>API</h2><label>API URL</label>"
        '<input class="form-control" readonly value="https://panel.example/api/v2">'
        "<p>Parameters: key, action=services (service list), action=add (new order), "
        "action=status (order status).</p></body></html>"
    )
    assert sig(html).api_variant == "v2"
