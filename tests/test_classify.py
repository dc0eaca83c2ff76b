"""Platform/product classification, measured against the dataset's own labels.

Dataset: Nevado-Catalán et al., "An Analysis of Fake Social Media Engagement Services",
Computers & Security 124 (2023) — panels_dataset CSVs carry Site/Product labels per service.
"""

import csv
from collections import Counter
from pathlib import Path

import pytest

from extract.classify import classify

DATA = Path("/work/shared/data/smmpanels/panels_dataset")

SITE = {
    "instagram": "instagram", "igtv": "instagram", "website": "website", "youtube": "youtube",
    "facebook": "facebook", "spotify": "spotify", "twitter": "twitter", "soundcloud": "soundcloud",
    "twitch": "twitch", "tiktok": "tiktok", "telegram": "telegram", "app": "app",
    "linkedin": "linkedin", "pinterest": "pinterest", "google": "google",
    "google business": "google",
    "tumblr": "tumblr", "vimeo": "vimeo", "vk": "vk", "quora": "quora", "reddit": "reddit",
    "audiomack": "audiomack", "deezer": "deezer", "dailymotion": "dailymotion",
    "apple music": "apple_music", "itunes": "apple_music", "snapchat": "snapchat",
}  # fmt: skip
PRODUCT = {
    "follower": "followers", "fan": "followers", "like": "likes", "page like": "likes",
    "favorite": "likes", "view": "views", "video view": "views", "ads view": "views",
    "profile view": "views", "story view": "story_views", "play": "plays", "stream": "plays",
    "visitor": "traffic", "traffic": "traffic", "comment": "comments", "share": "shares",
    "review": "reviews", "rating": "reviews", "saves": "saves", "impression": "impressions",
    "subscriber": "subscribers", "vote": "votes", "poll vote": "votes", "listener": "listeners",
    "install": "installs", "download": "installs", "repost": "reposts", "reblog": "reposts",
    "repin": "reposts", "retweet": "retweets", "watchtime": "watch_time",
    "channel member": "members", "group member": "members", "member": "members",
    "reaction": "reactions",
}  # fmt: skip


def _labelled_rows():
    for path in sorted(DATA.glob("*/*.csv")):
        with path.open(encoding="utf-8", errors="replace") as fh:
            yield from csv.DictReader(fh)


@pytest.mark.skipif(not DATA.exists(), reason="shared dataset not mounted")
def test_agreement_with_dataset_labels_over_all_rows():
    site_ok = site_n = prod_ok = prod_n = 0
    confusion: Counter = Counter()
    for row in _labelled_rows():
        site, prod = row["Site"].strip().lower(), row["Product"].strip().lower()
        platform, product = classify(row["Service"])
        if site and site != "empty value":
            truth = SITE.get(site, "other")  # a named site outside the vocabulary is "other"
            site_n += 1
            site_ok += platform == truth
            confusion[(truth, platform)] += platform != truth
        if prod and prod != "empty value":
            prod_n += 1
            prod_ok += product == PRODUCT.get(prod, "other")
    assert site_n > 20_000 and prod_n > 20_000
    assert site_ok / site_n >= 0.97, confusion.most_common(10)
    assert prod_ok / prod_n >= 0.95


@pytest.mark.parametrize(
    ("name", "category", "expected"),
    [
        ("4580 ~ Instagram - Likes ~ 𝐑𝗘𝗔𝗟 ~ Max 50k ~ INSTANT", None, ("instagram", "likes")),
        ("363 ~ Instagram - Likes ~ Max 5k", None, ("instagram", "likes")),
        (
            "Instagram Likes [ Max 50k - 10k/day] [Real Accounts+HQ ] [ Recommended]🔥",
            None,
            ("instagram", "likes"),
        ),
        ("IG Followers [R30]", None, ("instagram", "followers")),
        ("ＩＮＳＴＡＧＲＡＭ ＦＯＬＬＯＷＥＲＳ", None, ("instagram", "followers")),
        ("ɪɴsᴛᴀɢʀᴀᴍ ғᴏʟʟᴏᴡᴇʀs", None, ("instagram", "followers")),
        ("YT Subscribers | Non Drop", None, ("youtube", "subscribers")),
        ("FB Page Likes", None, ("facebook", "likes")),
        ("TT Followers", None, ("tiktok", "followers")),
        ("Tik Tok Fans [Fast]", None, ("tiktok", "followers")),
        ("X (Twitter) Followers", None, ("twitter", "followers")),
        ("Instagram Story Views [All stories]", None, ("instagram", "story_views")),
        ("Instagram Story Likes", None, ("instagram", "likes")),
        ("YouTube Live Stream Views [30 min]", None, ("youtube", "live_views")),
        ("Youtube Watch Time 4000 Hours", None, ("youtube", "watch_time")),
        ("Spotify Monthly Listeners [USA]", None, ("spotify", "listeners")),
        ("Spotify Premium Plays [100K]", None, ("spotify", "plays")),
        ("Telegram Channel Members [10K]", None, ("telegram", "members")),
        ("USA Traffic from Facebook", None, ("website", "traffic")),
        ("Google Play App Installs [Android]", None, ("app", "installs")),
        ("Google Maps 5 Star Reviews [USA]", None, ("google", "reviews")),
        ("Twitter Retweets [HQ]", None, ("twitter", "retweets")),
        ("Facebook Post Reactions [Love]", None, ("facebook", "reactions")),
        ("Instagram Saves", None, ("instagram", "saves")),
        ("Instagram Reach + Impressions", None, ("instagram", "impressions")),
        ("InstagramLikes (Max 80K)", None, ("instagram", "likes")),
        ("Instagram Takipçi [Türk] [Garantili]", None, ("instagram", "followers")),
        ("Instagram Beğeni - Hızlı", None, ("instagram", "likes")),
        ("Seguidores Instagram Brasil", None, ("instagram", "followers")),
        ("Подписчики Telegram", None, ("telegram", "members")),
        ("Просмотры YouTube", None, ("youtube", "views")),
        ("X Followers", None, ("twitter", "followers")),
        ("Instagram Profile Visits", None, ("instagram", "views")),
        ("LinkedIn Connections", None, ("linkedin", "followers")),
        ("Discord Server Members", None, ("discord", "members")),
        ("Twitch Live Viewers", None, ("twitch", "live_views")),
        ("App Store Ratings", None, ("app", "reviews")),
        ("Trustpilot Reviews", None, ("other", "reviews")),
        ("Quora Upvotes", None, ("quora", "votes")),
        ("10x Faster Instagram Likes", None, ("instagram", "likes")),
        # the category is the better signal when the name lacks a platform
        ("Followers [HQ] [Max 10K]", "Instagram Followers", ("instagram", "followers")),
        ("Real Views - Instant", "TikTok", ("tiktok", "views")),
        ("Likes | 30 days refill", "🔥 Facebook Services", ("facebook", "likes")),
        ("Premium [USA]", "Spotify Plays", ("spotify", "plays")),
        # ... but a platform the name states outright wins over a different one in the category
        ("1000 YouTube Views", "Buy Instagram Followers", ("youtube", "views")),
        ("Traffic from Instagram", "Website Traffic", ("website", "traffic")),
        # nothing to go by
        ("Child Panel (30 Days subscription)", None, ("other", "other")),
        ("Website Design Starter Plan", None, ("website", "other")),
    ],
)
def test_classify_cases(name, category, expected):
    assert classify(name, category) == expected
