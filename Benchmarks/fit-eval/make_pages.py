#!/usr/bin/env python3
"""Writes the hand-made evaluation pages (blog, news, shop, forum, recipe, wiki shapes) into
Benchmarks/fit-eval/pages/, each in one of several layouts copied from the markup of common
CMSes (WordPress, Ghost, Bootstrap news sites, Shopify, phpBB, Discourse, Stack Exchange,
MediaWiki, 2000s div and table layouts), with their navigation, cookie banners, sidebars,
comments, related links and footers.

The main text is marked in the markup: every element with `data-main` is content, minus what
sits inside a `data-not-main` element. fit_eval.py reads the truth from these marks and strips
them before any extractor sees the page. Truth decisions: the title and body are content;
bylines, dates, tags, comments on articles, reviews, related links, buttons and forum user
names are not; forum posts are.
"""
import html
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from content import BLOG, NEWS, SHOP, FORUM, OTHER  # noqa: E402

E = html.escape


def body(parts, code_style=0):
    out = []
    for part in parts:
        kind = part[0]
        if kind == "p":
            out.append(f"<p>{E(part[1])}</p>")
        elif kind == "h2":
            out.append(f"<h2>{E(part[1])}</h2>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{E(i)}</li>" for i in part[1]) + "</ul>")
        elif kind == "code":
            if code_style == 0:
                out.append(f'<pre><code class="language-shell">{E(part[1])}</code></pre>')
            else:
                out.append(f'<div class="highlight"><pre><span></span>{E(part[1])}</pre></div>')
        elif kind == "table":
            rows = part[1]
            out.append("<table>" + "".join("<tr>" + "".join(f"<td>{E(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>")
    return "\n".join(out)


def links(names, prefix="/"):
    return " ".join(f'<a href="{prefix}{n.lower().replace(" ", "-")}">{E(n)}</a>' for n in names)


def li_links(names, prefix="/"):
    return "<ul>" + "".join(f'<li><a href="{prefix}{n.lower().replace(" ", "-")}">{E(n)}</a></li>' for n in names) + "</ul>"


def page(title, head_title, inner):
    return f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(head_title)}</title>\n<script>window.dataLayer=[];</script><style>.x{{color:red}}</style></head>\n<body>\n{inner}\n</body></html>\n"


# MARK: - Blog layouts

def blog_wordpress(title, parts, n):
    return page(title, f"{title} – Field Notes", f"""
<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header"><p class="site-title"><a href="/">Field Notes</a></p><p class="site-description">Things I tried so you do not have to</p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{''.join(f'<li class="menu-item"><a href="/{c}">{c.title()}</a></li>' for c in ['home','archive','projects','about','contact'])}</ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{n}" class="post-{n} post type-post status-publish format-standard hentry category-notes">
<header class="entry-header"><h1 class="entry-title" data-main>{E(title)}</h1><div class="entry-meta"><span class="posted-on">Posted on <a href="/2026/03/"><time>March 3, 2026</time></a></span><span class="byline"> by <a href="/author/kim">Kim</a></span></div></header>
<div class="entry-content" data-main>{body(parts)}</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/notes">Notes</a></span><span class="tags-links">Tagged <a href="/tag/diy">diy</a>, <a href="/tag/howto">howto</a></span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links"><div class="nav-previous"><a href="/prev">Previous post: Spring cleaning the workshop</a></div><div class="nav-next"><a href="/next">Next post: A year of cold showers</a></div></div></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">2 thoughts on “{E(title)}”</h2><ol class="comment-list">
<li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">Alex</b> says:</footer><div class="comment-content"><p>Thanks for writing this up, I had the very same problem last year and never worked out what was going on.</p></div><div class="reply"><a class="comment-reply-link" href="#respond">Reply</a></div></article></li>
<li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">Jo</b> says:</footer><div class="comment-content"><p>Great post. Would love a follow-up with more detail on the second part.</p></div></article></li></ol>
<div id="respond" class="comment-respond"><h3 class="comment-reply-title">Leave a Reply</h3><form class="comment-form"><p class="comment-notes">Your email address will not be published.</p><textarea name="comment"></textarea><input type="submit" value="Post Comment"></form></div></div>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_search"><form role="search"><input type="search" placeholder="Search …"></form></section>
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>{li_links(['Spring cleaning the workshop','A year of cold showers','My favourite hand tools','Composting in a flat'])}</section>
<section class="widget widget_archive"><h2 class="widget-title">Archives</h2>{li_links(['March 2026','February 2026','January 2026'])}</section></aside></div>
<footer id="colophon" class="site-footer"><div class="site-info"><a href="https://wordpress.org/">Proudly powered by WordPress</a> | Theme: Twenty Nineteen.</div></footer></div>""")


def blog_ghost(title, parts, n):
    return page(title, title, f"""
<div class="site-wrapper"><header id="gh-head" class="gh-head outer"><div class="gh-head-inner inner"><a class="gh-head-logo" href="/">The Long Way</a>
<nav class="gh-head-menu"><ul class="nav">{''.join(f'<li><a href="/{c}/">{c.title()}</a></li>' for c in ['home','essays','photos','about'])}</ul></nav>
<div class="gh-head-actions"><a class="gh-head-button" href="#/portal/signup">Subscribe</a></div></div></header>
<main id="site-main" class="site-main"><article class="article post">
<header class="article-header gh-canvas"><section class="article-tag"><a href="/tag/life/">Life</a></section><h1 class="article-title" data-main>{E(title)}</h1>
<p class="article-excerpt">A post from the archive.</p><div class="article-byline"><div class="article-byline-meta"><h4 class="author-name"><a href="/author/sam/">Sam Ortega</a></h4><div class="byline-meta-content"><time>Feb 12, 2026</time><span class="byline-reading-time">4 min read</span></div></div></div></header>
<section class="gh-content gh-canvas" data-main>{body(parts, code_style=n % 2)}</section>
<section class="article-comments gh-canvas"><div class="gh-comments-notice">Sign in or become a member to join the conversation.</div></section>
</article>
<aside class="read-more-wrap outer"><div class="read-more inner"><h3>Read more</h3>{''.join(f'<article class="post-card"><a class="post-card-content-link" href="/p{i}/"><h2 class="post-card-title">{E(t)}</h2><div class="post-card-excerpt">{E(x)}</div></a></article>' for i,(t,x) in enumerate([('Ten years of notebooks','What I kept and what I threw away.'),('The quiet carriage','On trains, noise and reading.'),('Small habits','Three things that stuck.')]))}</div></aside>
</main>
<footer class="site-footer outer"><div class="inner"><section class="copyright"><a href="/">The Long Way</a> © 2026</section><nav class="site-footer-nav"><ul><li><a href="/privacy/">Privacy</a></li><li><a href="/rss/">RSS</a></li></ul></nav><div class="gh-powered-by"><a href="https://ghost.org/">Powered by Ghost</a></div></div></footer>
</div>
<div class="cookie-notice" role="dialog">This site uses cookies for analytics. <a href="/privacy/">Read our policy</a> <button>OK</button></div>""")


def blog_oldschool(title, parts, n):
    return page(title, f"Pete's Weblog: {title}", f"""
<div id="container"><div id="header"><h1><a href="/">Pete's Weblog</a></h1><div class="description">Musings since 2004</div></div>
<div id="menu">{links(['Home','About','Photos','Links','Guestbook'])}</div>
<div id="main"><div class="post" id="post-{n}"><h2 class="title" data-main>{E(title)}</h2>
<div class="postmeta">Filed under <a href="/cat/misc">Misc</a> on 14 June 2008 at 21:02</div>
<div class="entry" data-main>{body(parts, code_style=1)}</div>
<p class="postmetadata">Tags: <a href="/t/life">life</a> <a href="/t/notes">notes</a> | <a href="#comments">4 Comments »</a></p></div>
<h3 id="comments">4 Responses</h3><ol class="commentlist"><li class="alt"><cite>Marta</cite> Says:<br><p>Nice write-up! I bookmarked it for later and shared it with my brother who needs exactly this.</p></li><li><cite>Dirk</cite> Says:<br><p>I disagree with the last part, but otherwise very useful, thanks.</p></li></ol>
<div class="navigation"><div class="alignleft"><a href="/older">« Older Entries</a></div><div class="alignright"><a href="/newer">Newer Entries »</a></div></div></div>
<div id="sidebar"><h2>Archives</h2>{li_links(['June 2008','May 2008','April 2008','March 2008'])}<h2>Blogroll</h2>{li_links(['Anna','Bert','Cora','Dave'], 'http://friends.example/')}<h2>Meta</h2>{li_links(['Log in','Entries RSS','Comments RSS'])}</div>
<div id="footer"><p>Pete's Weblog is proudly powered by an old server under my desk. <a href="/feed">Entries (RSS)</a></p></div></div>""")


def blog_hashed(title, parts, n):
    return page(title, f"{title} | by Ray Ito | Medium", f"""
<div id="root"><div class="a b c"><div class="d e"><a href="/" aria-label="Homepage">Logo</a><div class="f g">{links(['Write','Sign up','Sign in'])}</div></div></div>
<div class="h i"><article><div class="j k"><section><div class="l m">
<h1 class="pw-post-title n o" data-main>{E(title)}</h1>
<div class="p q"><a href="/@ray" class="r">Ray Ito</a><span class="s">·</span><button class="t">Follow</button><span class="u">7 min read · Jan 9, 2026</span></div>
<div class="v w" data-main>{body(parts)}</div>
</div></section></div></article>
<div class="x y"><div class="z">{links(['Programming','Software Development','Testing'], '/tag/')}</div><div class="aa"><button>Clap 312</button> <button>Respond 4</button></div></div>
<div class="bb cc"><h2>More from Ray Ito</h2>{li_links(['Ten rules for code review','On naming things','Why I quit microservices'])}</div>
<div class="bb cc"><h2>Recommended from Medium</h2>{li_links(['The art of the small pull request','Stop writing clever code','Lessons from a decade of on-call'])}</div></div>
<div class="dd"><a href="/help">Help</a> <a href="/status">Status</a> <a href="/about">About</a> <a href="/careers">Careers</a> <a href="/privacy">Privacy</a> <a href="/terms">Terms</a></div></div>""")


# MARK: - News layouts

def news_semantic(title, parts, n):
    return page(title, f"{title} | The Courier", f"""
<div id="consent" class="consent-banner"><p>We and our partners use cookies to personalise content and ads. <a href="/cookies">Manage settings</a></p><button>Accept</button><button>Reject</button></div>
<header class="masthead"><a class="brand" href="/">The Courier</a><nav aria-label="Sections"><ul>{''.join(f'<li><a href="/{s}">{s.title()}</a></li>' for s in ['news','politics','business','culture','sport','weather'])}</ul></nav>
<form class="search" action="/search"><input name="q"><button>Search</button></form></header>
<main><article><p class="kicker"><a href="/news/local">Local news</a></p><h1 data-main>{E(title)}</h1>
<p class="byline">By <a href="/staff/nora">Nora Lind</a>, city reporter · <time>12 March 2026, 14:05</time></p>
<div class="share"><a href="#share-fb">Facebook</a> <a href="#share-x">X</a> <a href="#share-mail">Email</a></div>
<div class="article-body" data-main>{body(parts)}</div>
<aside class="related"><h2>Related</h2>{li_links(['Bridge works delayed again','Council budget explained','What the new plan means for you'])}</aside></article>
<section class="most-read"><h2>Most read</h2><ol>{''.join(f'<li><a href="/m{i}">{t}</a></li>' for i,t in enumerate(['Festival line-up announced','House prices fall for third month','Zoo welcomes twin otters','Road closures this weekend']))}</ol></section></main>
<footer><nav>{links(['About us','Contact','Advertise','Jobs','Terms','Privacy','Cookie settings'])}</nav><p>© 2026 The Courier Media Group. All rights reserved.</p></footer>""")


def news_divs(title, parts, n):
    paragraphs = "\n".join(f"<p>{E(p[1])}</p>" for p in parts if p[0] == "p")
    return page(title, f"{title} - The Daily Tide", f"""
<div id="top"><div class="logo"><a href="/">The Daily Tide</a></div>
<div class="menu"><a href="/world">World</a> | <a href="/local">Local</a> | <a href="/sport">Sport</a> | <a href="/weather">Weather</a> | <a href="/opinion">Opinion</a></div></div>
<div id="wrapper"><div id="left"><div class="box"><a href="/1">Council votes on budget</a></div><div class="box"><a href="/2">Storm warning lifted</a></div><div class="box"><a href="/3">Ferry timetable changes</a></div><div class="box"><a href="/4">New school opens</a></div></div>
<div id="story"><h1 data-main>{E(title)}</h1><div class="date">Posted 2026-04-02 09:14 | Updated 11:30</div>
<div data-main>{paragraphs}</div>
<div class="tools"><a href="/print">Print</a> <a href="/mail">E-mail this story</a></div></div>
<div id="right"><div class="ad">Advertisement</div><b>Most read</b><ul><li><a href="/x">Festival dates announced</a></li><li><a href="/y">New school head named</a></li><li><a href="/z">Harbour fees to rise</a></li></ul></div></div>
<div id="bottom">Copyright The Daily Tide 2026. <a href="/contact">Contact</a> <a href="/jobs">Jobs</a> <a href="/advertise">Advertise</a></div>""")


def news_bootstrap(title, parts, n):
    return page(title, f"{title} — Metro Today", f"""
<nav class="navbar navbar-expand-lg navbar-dark bg-dark"><div class="container"><a class="navbar-brand" href="/">Metro Today</a><ul class="navbar-nav">{''.join(f'<li class="nav-item"><a class="nav-link" href="/{s}">{s.title()}</a></li>' for s in ['city','region','economy','lifestyle','video'])}</ul></div></nav>
<div class="container mt-4"><div class="row"><div class="col-md-8">
<ol class="breadcrumb"><li class="breadcrumb-item"><a href="/">Home</a></li><li class="breadcrumb-item"><a href="/city">City</a></li></ol>
<h1 class="display-5" data-main>{E(title)}</h1><p class="text-muted small">Metro Today staff · 5 min read</p>
<div class="article-body" data-main>{body(parts)}</div>
<div class="card mt-4"><div class="card-body"><h5 class="card-title">Get the morning briefing</h5><p class="card-text">The day's news in your inbox at 7am.</p><form><input type="email" placeholder="Email"><button class="btn btn-primary">Sign up</button></form></div></div>
</div><div class="col-md-4"><div class="ad-slot">Advertisement</div><h4>Trending</h4><div class="list-group">{''.join(f'<a class="list-group-item" href="/t{i}">{t}</a>' for i,t in enumerate(['Ten best parks for a picnic','Rents up 6 percent','New bakery draws queues','Derby ends in draw']))}</div></div></div></div>
<footer class="bg-dark text-light py-4"><div class="container"><div class="row"><div class="col">{links(['About','Team','Contact','Terms'])}</div><div class="col">© Metro Today</div></div></div></footer>
<div class="cc-window cc-banner" role="dialog" aria-label="cookieconsent"><span class="cc-message">This website uses cookies to ensure you get the best experience.</span><a class="cc-btn cc-dismiss">Got it!</a></div>""")


def news_tables(title, parts, n):
    paragraphs = "\n".join(f"<p>{E(p[1])}</p>" for p in parts if p[0] == "p")
    return page(title, f"Valley Gazette - {title}", f"""
<table width="100%" border="0" cellpadding="0"><tr><td colspan="2" bgcolor="#003366"><font color="white" size="5">Valley Gazette</font></td></tr>
<tr><td width="160" valign="top" bgcolor="#eeeeee"><b>Sections</b><br>{'<br>'.join(f'<a href="/{s}.html">{s.title()}</a>' for s in ['front','local','farming','sports','obituaries','classifieds'])}<br><br><b>Archive</b><br><a href="/2025">2025</a><br><a href="/2024">2024</a></td>
<td valign="top"><font size="5" data-main><b>{E(title)}</b></font><br><font size="2">Staff report, April 3</font>
<div data-main>{paragraphs}</div>
<hr><font size="1"><a href="/send.html">Send to a friend</a> | <a href="/print.html">Printer-friendly version</a></font></td></tr>
<tr><td colspan="2" align="center"><font size="1">Copyright 2026 Valley Gazette. <a href="/about.html">About</a> | <a href="/subscribe.html">Subscribe</a></font></td></tr></table>""")


# MARK: - Shop layouts

def shop_shopify(title, parts, n):
    return page(title, f"{title} – Hearth & Home", f"""
<div class="announcement-bar" role="region">Free shipping on orders over 50 €</div>
<header class="header"><a href="/" class="header__heading-link">Hearth &amp; Home</a><nav class="header__inline-menu"><ul class="list-menu">{''.join(f'<li><a class="header__menu-item" href="/collections/{c}">{c.title()}</a></li>' for c in ['kitchen','bedroom','outdoor','kids','sale'])}</ul></nav><div class="header__icons"><a href="/search">Search</a> <a href="/account">Account</a> <a href="/cart">Cart (0)</a></div></header>
<main id="MainContent" class="content-for-layout"><section class="product grid"><div class="product__media-wrapper"><img src="/p.jpg" alt=""></div>
<div class="product__info-wrapper"><h1 class="product__title" data-main>{E(title)}</h1><div class="price"><span class="price-item price-item--regular" data-main>39,90 €</span></div>
<form class="product-form" action="/cart/add"><select name="qty"><option>1</option><option>2</option></select><button type="submit" class="product-form__submit">Add to cart</button></form>
<div class="product__description rte" data-main>{body(parts)}</div>
<details class="product__accordion"><summary>Shipping &amp; returns</summary><p>Free returns within 30 days. Orders ship within 2 working days.</p></details></div></section>
<section class="product-recommendations"><h2>You may also like</h2><ul class="grid product-grid">{''.join(f'<li class="grid__item"><div class="card"><a href="/products/r{i}" class="full-unstyled-link">{t}</a><span class="price">{p}</span></div></li>' for i,(t,p) in enumerate([('Enamel kettle','45,00 €'),('Oak chopping board','29,00 €'),('Linen apron','24,00 €')]))}</ul></section>
<section id="reviews" class="shopify-section reviews"><h2>Customer reviews</h2><div class="review"><b>Maria</b> ★★★★★<p>Exactly as described, arrived quickly and well packed. Would buy again from this shop.</p></div></section></main>
<footer class="footer"><div class="footer__content-top">{links(['Contact','Shipping','Returns','Terms of service','Refund policy'])}</div><div class="footer__newsletter"><h2>Subscribe to our emails</h2><form><input type="email"><button>Subscribe</button></form></div><small>© 2026, Hearth &amp; Home</small></footer>""")


def shop_divs(title, parts, n):
    return page(title, f"Buy {title} online | GearBarn", f"""
<div id="topbar"><a href="/login">Login</a> | <a href="/register">Register</a> | <a href="/basket">Basket: 0 items</a></div>
<div id="mega-menu">{''.join(f'<div class="col"><b>{g}</b>{li_links(items, "/c/")}</div>' for g, items in [('Outdoor',['Tents','Sleeping bags','Stoves']),('Clothing',['Jackets','Socks','Gloves']),('Bike',['Lights','Locks','Pumps'])])}</div>
<div id="crumbs"><a href="/">Home</a> &gt; <a href="/c/outdoor">Outdoor</a> &gt; <span>{E(title)}</span></div>
<div id="product"><div id="gallery"><img src="/g1.jpg" alt="product photo"></div>
<div id="buybox"><h1 data-main>{E(title)}</h1><div class="stars">4.6 out of 5 (128 reviews)</div><div class="pricebox" data-main>Our price: 24.95</div><div class="stock">In stock, ships today</div><input type="number" value="1"><button>Add to basket</button><a href="/wishlist">Add to wishlist</a></div>
<div id="tabs"><ul class="tabnav"><li><a href="#tab-description">Description</a></li><li><a href="#tab-specs">Specifications</a></li><li><a href="#tab-reviews">Reviews</a></li></ul>
<div id="tab-description" data-main>{body(parts)}</div>
<div id="tab-reviews"><div class="rev"><b>Tom K.</b> 5/5<br>Great value, would recommend to anyone looking for one of these.</div><div class="rev"><b>Ana</b> 4/5<br>Good but the packaging was damaged on arrival.</div></div></div></div>
<div id="also-bought"><h3>Customers also bought</h3>{''.join(f'<div class="tile"><a href="/p/{i}">{t}</a> {p}</div>' for i,(t,p) in enumerate([('Head torch','19.95'),('Water bottle','9.95'),('Dry bag 10 l','14.95')]))}</div>
<div id="foot"><div class="links">{links(['Delivery','Returns','Contact us','Careers','Affiliates'])}</div><div class="pay">We accept Visa, Mastercard and PayPal.</div></div>""")


# MARK: - Forum layouts

def forum_phpbb(title, posts, n):
    rows = "\n".join(f"""<div id="p{i}" class="post bg{i % 2 + 1}"><div class="inner"><div class="postbody"><h3><a href="#p{i}">Re: {E(title)}</a></h3>
<p class="author">by <strong><a href="/memberlist.php?u={a}" class="username">{E(a)}</a></strong> » Mon Mar 02, 2026 {8 + i}:1{i} pm</p>
<div class="content" data-main>{E(t)}</div></div><dl class="postprofile"><dt><a href="/u/{a}">{E(a)}</a></dt><dd><strong>Posts:</strong> {100 + i * 37}</dd><dd><strong>Joined:</strong> 2019</dd></dl>
<div class="back2top"><a href="#top" class="top">Top</a></div></div></div><hr class="divider">""" for i, (_, a, t) in enumerate(posts))
    return page(title, f"{title} - Home Help Forum", f"""
<div id="wrap"><div class="headerbar"><a href="/" id="logo">Home Help Forum</a><p class="skiplink"><a href="#start_here">Skip to content</a></p></div>
<div class="navbar"><ul class="linklist navlinks"><li><a href="/faq.php">FAQ</a></li><li><a href="/ucp.php?mode=register">Register</a></li><li><a href="/ucp.php?mode=login">Login</a></li></ul><ul class="linklist"><li class="icon-home"><a href="/index.php">Board index</a> ‹ <a href="/viewforum.php?f=3">Around the house</a></li></ul></div>
<div id="page-body"><h2 class="topic-title"><a href="/viewtopic.php?t={n}" data-main>{E(title)}</a></h2>
<div class="action-bar top"><div class="buttons"><a href="/posting.php?mode=reply" class="button">Post Reply</a></div><div class="pagination">{len(posts)} posts • Page <strong>1</strong> of <strong>1</strong></div></div>
{rows}
<div class="action-bar bottom"><a href="/posting.php?mode=reply" class="button">Post Reply</a></div>
<div id="jumpbox"><form><select><option>Around the house</option><option>Garden</option><option>Cars</option></select><input type="submit" value="Go"></form></div></div>
<div id="page-footer"><div class="navbar"><a href="/index.php">Board index</a> <a href="/memberlist.php?mode=team">The team</a> <a href="/ucp.php?mode=delete_cookies">Delete cookies</a></div><div class="copyright">Powered by phpBB® Forum Software © phpBB Limited</div></div></div>""")


def forum_discourse(title, posts, n):
    articles = "\n".join(f"""<div class="topic-post clearfix regular" id="post_{i + 1}"><article class="boxed onscreen-post" data-post-id="{i}">
<div class="row"><div class="topic-avatar"><a class="trigger-user-card" href="/u/{a}"><img alt="" src="/a.png"></a></div>
<div class="topic-body"><div class="topic-meta-data"><div class="names"><span class="first username"><a href="/u/{a}">{E(a)}</a></span></div><div class="post-infos"><a class="post-date" href="/t/{n}/{i + 1}"><span class="relative-date">Mar {i + 2}</span></a></div></div>
<div class="regular contents"><div class="cooked" data-main><p>{E(t)}</p></div>
<section class="post-menu-area clearfix"><nav class="post-controls"><button class="widget-button like">Like</button><button class="widget-button share">Share</button><button class="widget-button reply">Reply</button></nav></section></div></div></div></article></div>""" for i, (_, a, t) in enumerate(posts))
    return page(title, f"{title} - Help - Maker Community", f"""
<header class="d-header"><div class="wrap"><div class="contents"><div class="title"><a href="/">Maker Community</a></div><div class="panel"><button class="sign-up-button">Sign Up</button><button class="login-button">Log In</button></div></div></div></header>
<div id="main-outlet" class="wrap"><div id="topic-title"><h1><a href="/t/{n}" class="fancy-title" data-main>{E(title)}</a></h1><div class="topic-category"><a href="/c/help">Help</a></div></div>
<div class="posts-wrapper">{articles}</div>
<div class="topic-map"><ul><li><h4>created</h4>Mar 2</li><li><h4>last reply</h4>Mar {len(posts) + 1}</li><li><h4>replies</h4>{len(posts) - 1}</li><li><h4>views</h4>412</li></ul></div>
<div class="more-topics__container"><h3>Suggested Topics</h3><table class="topic-list"><tbody>{''.join(f'<tr class="topic-list-item"><td class="main-link"><a href="/t/s{i}" class="title">{t}</a></td><td class="posts">{r}</td><td class="activity">{d}</td></tr>' for i,(t,r,d) in enumerate([('Which multimeter for a beginner?','12','2d'),('Soldering iron tips wear out fast','8','5d'),('Best glue for PLA parts','23','1w')]))}</tbody></table></div></div>
<footer class="noscript-footer-nav">{links(['Home','Categories','Guidelines','Terms of Service','Privacy Policy'])}</footer>
<div id="powered-by-discourse"><a href="https://discourse.org">Powered by Discourse</a></div>""")


def forum_stackexchange(title, posts, n):
    question = posts[0]
    answers = posts[1:]
    def post(kind, i, a, t):
        return f"""<div class="post-layout"><div class="votecell"><button>Up vote</button><div class="js-vote-count">{7 - i}</div><button>Down vote</button></div>
<div class="postcell"><div class="s-prose js-post-body" data-main><p>{E(t)}</p></div>
<div class="post-signature"><div class="user-info"><div class="user-action-time">{kind} Mar {i + 3}</div><div class="user-details"><a href="/users/{a}">{E(a)}</a><div class="-flair">1,204 reputation</div></div></div></div>
<div class="comments"><ul class="comments-list"><li class="comment"><span class="comment-copy">Could you add which version you are using? That matters a lot here.</span> – <a class="comment-user" href="/users/x">helper</a></li></ul><a class="js-add-link comments-link">Add a comment</a></div></div></div>"""
    return page(title, f"{title} - Super Answers", f"""
<header class="s-topbar"><a class="s-topbar--logo" href="/">Super Answers</a><ol class="s-topbar--content"><li><a href="/about">About</a></li><li><a href="/products">Products</a></li></ol><form class="s-topbar--searchbar"><input name="q" placeholder="Search…"></form><a href="/users/login">Log in</a> <a href="/users/signup">Sign up</a></header>
<div class="container"><div id="left-sidebar"><nav role="navigation"><ol class="nav-links"><li><a href="/">Home</a></li><li><a href="/questions">Questions</a></li><li><a href="/tags">Tags</a></li><li><a href="/users">Users</a></li></ol></nav></div>
<div id="content"><div id="question-header"><h1><a href="/questions/{n}" class="question-hyperlink" data-main>{E(title)}</a></h1><a href="/questions/ask" class="s-btn">Ask Question</a></div>
<div class="d-flex"><div>Asked 3 years ago</div><div>Viewed 12k times</div></div>
<div id="mainbar" role="main"><div class="question" id="question">{post("asked", 0, question[1], question[2])}</div>
<div id="answers"><div class="answers-subheader"><h2>{len(answers)} Answers</h2><div>Sorted by: <select><option>Highest score</option></select></div></div>
{''.join(f'<div class="answer" id="answer-{i}">{post("answered", i + 1, a, t)}</div>' for i, (_, a, t) in enumerate(answers))}</div>
<h2 class="bottom-notice">Not the answer you're looking for? Browse other questions tagged <a class="post-tag" href="/tags/help">help</a> or <a href="/questions/ask">ask your own question</a>.</h2></div>
<div id="sidebar" class="show-votes"><div class="s-sidebarwidget"><h4>The Overflow Blog</h4>{li_links(['How we cut build times in half','Podcast 512: on tabs and spaces'])}</div>
<div id="hot-network-questions" class="module"><h4>Hot Network Questions</h4>{li_links(['Why is the sky blue at noon but red at sunset?','How do I politely decline a meeting?','What is the oldest known recipe?','Can a cat be both alive and dead?'])}</div></div></div></div>
<footer id="footer" class="site-footer"><nav class="site-footer--nav">{links(['Help','Chat','Contact','Feedback','Company','Careers','Privacy Policy','Terms of Service','Cookie Settings'])}</nav><p class="site-footer--copyright">Site design / logo © 2026; user contributions licensed under CC BY-SA.</p></footer>
<div id="onetrust-banner-sdk" class="otFlat" role="region" aria-label="Cookie banner"><div id="onetrust-policy-text">By clicking “Accept all cookies”, you agree we can store cookies on your device.</div><button id="onetrust-accept-btn-handler">Accept all cookies</button></div>""")


# MARK: - Recipe and wiki layouts

def recipe_page(title, parts, n):
    return page(title, f"{title} | Easy Weeknight Kitchen", f"""
<header id="site-header"><a href="/">Easy Weeknight Kitchen</a><nav class="nav-primary"><ul>{''.join(f'<li><a href="/{c}">{c.title()}</a></li>' for c in ['recipes','soups','baking','vegetarian','about'])}</ul></nav></header>
<div class="site-inner"><div class="content-sidebar-wrap"><main class="content"><article class="post entry">
<header class="entry-header"><h1 class="entry-title" data-main>{E(title)}</h1><p class="entry-meta">By Lena · Updated 4 Feb 2026 · <a href="#comments">18 comments</a></p></header>
<div class="wprm-recipe-jump-wrap"><a href="#recipe" class="wprm-recipe-jump">Jump to Recipe</a> <a href="/print/{n}" class="wprm-recipe-print">Print Recipe</a></div>
<div class="entry-content"><div class="adthrive-ad">Advertisement</div>
<div class="wprm-recipe-container" id="recipe" data-main>{body(parts)}</div>
<div class="adthrive-ad">Advertisement</div></div>
<div class="social-share"><a href="/pin">Pin it</a> <a href="/fb">Share</a> <a href="/mail">Email</a></div></article>
<div class="entry-comments" id="comments"><h3>18 Comments</h3><ol class="comment-list"><li class="comment"><p>Made this tonight and the whole family loved it. I added a little chilli as well.</p></li></ol></div></main>
<aside class="sidebar sidebar-primary widget-area"><section class="widget"><h3>Hi, I'm Lena!</h3><p>I cook quick dinners for a busy family of five.</p></section><section class="widget"><h3>Popular</h3>{li_links(['One-pot pasta','Sheet pan chicken','Ten-minute noodles'])}</section></aside></div></div>
<footer class="site-footer">{links(['Privacy','Accessibility','Contact'])} © 2026 Easy Weeknight Kitchen</footer>""")


def wiki_page(title, parts, n):
    sections = []
    for part in parts:
        if part[0] == "h2":
            sections.append(f'<h2><span class="mw-headline" id="{E(part[1])}" data-main>{E(part[1])}</span><span class="mw-editsection"><span class="mw-editsection-bracket">[</span><a href="/w/index.php?action=edit&amp;section=1" title="Edit section">edit</a><span class="mw-editsection-bracket">]</span></span></h2>')
        else:
            sections.append(f'<div data-main>{body([part])}</div>')
    return page(title, f"{title} - CityWiki", f"""
<div id="mw-page-base"></div><div id="content" class="mw-body" role="main"><a id="top"></a><div id="siteNotice">Help us improve CityWiki: <a href="/donate">donate today</a>.</div>
<h1 id="firstHeading" class="firstHeading" data-main>{E(title)}</h1><div id="bodyContent" class="vector-body"><div id="siteSub">From CityWiki, the free city encyclopedia</div>
<div id="contentSub"></div><div id="jump-to-nav"></div><a class="mw-jump-link" href="#mw-head">Jump to navigation</a>
<div id="mw-content-text" class="mw-body-content"><div class="mw-parser-output">
<div id="toc" class="toc" role="navigation"><div class="toctitle"><h2>Contents</h2></div><ul><li><a href="#History">1 History</a></li><li><a href="#Architecture">2 Architecture</a></li></ul></div>
{''.join(sections)}
</div></div><div id="catlinks" class="catlinks"><div id="mw-normal-catlinks"><a href="/wiki/Special:Categories">Categories</a>: <ul><li><a href="/wiki/Category:Buildings">Buildings</a></li><li><a href="/wiki/Category:Transport">Transport</a></li></ul></div></div></div></div>
<div id="mw-navigation"><div id="mw-head"><nav id="p-personal" aria-label="Personal tools"><ul><li><a href="/login">Log in</a></li></ul></nav></div>
<div id="mw-panel"><nav id="p-navigation" class="vector-menu"><h3>Navigation</h3><ul><li><a href="/wiki/Main_Page">Main page</a></li><li><a href="/wiki/Random">Random article</a></li></ul></nav></div></div>
<footer id="footer" class="mw-footer"><ul id="footer-info"><li>This page was last edited on 3 March 2026.</li><li>Text is available under the Creative Commons Attribution-ShareAlike License.</li></ul><ul id="footer-places"><li><a href="/privacy">Privacy policy</a></li><li><a href="/about">About CityWiki</a></li></ul></footer>""")


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pages")
    os.makedirs(out, exist_ok=True)
    written = []
    blog_layouts = [blog_wordpress, blog_ghost, blog_oldschool, blog_hashed]
    news_layouts = [news_semantic, news_divs, news_bootstrap, news_tables]
    shop_layouts = [shop_shopify, shop_divs]
    forum_layouts = [forum_phpbb, forum_discourse, forum_stackexchange]
    for i, (title, parts) in enumerate(BLOG):
        written.append((f"blog-{i:02d}", blog_layouts[i % len(blog_layouts)](title, parts, i)))
    for i, (title, parts) in enumerate(NEWS):
        written.append((f"news-{i:02d}", news_layouts[i % len(news_layouts)](title, parts, i)))
    for i, (title, parts) in enumerate(SHOP):
        written.append((f"shop-{i:02d}", shop_layouts[i % len(shop_layouts)](title, parts, i)))
    for i, (title, posts) in enumerate(FORUM):
        written.append((f"forum-{i:02d}", forum_layouts[i % len(forum_layouts)](title, posts, i)))
    for i, (kind, title, parts) in enumerate(OTHER):
        layout = recipe_page if kind == "recipe" else wiki_page
        written.append((f"{kind}-{i:02d}", layout(title, parts, i)))
    for name, text in written:
        with open(os.path.join(out, name + ".html"), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"{len(written)} pages in {out}")


if __name__ == "__main__":
    main()
