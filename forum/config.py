"""Default settings. Every key starts with ``FORUM_``; ``init_app`` applies them with ``setdefault``."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    #: Where the forum is mounted in the host portal.
    "FORUM_URL_PREFIX": "/community",
    #: The layout template the forum's pages extend. The default is the forum's own standalone layout.
    "FORUM_BASE_TEMPLATE": "forum/layout.html",
    #: The language of a page when neither the host, the person nor their browser asks for one the forum has.
    "FORUM_DEFAULT_LOCALE": "en",
    #: Your own catalogue directories, each holding ``<locale>/LC_MESSAGES/forum.mo``: a language found here is
    #: offered like the shipped ones, and your words win over the forum's where both have one.
    "FORUM_TRANSLATION_DIRECTORIES": (),
    #: Each language search tells apart, and its PostgreSQL text-search configuration: a document is stemmed in the
    #: language it is written in, and searches look for words as each of these stems them ("simple": no stemming).
    "FORUM_SEARCH_LANGUAGES": {"en": "english", "de": "german", "fr": "french", "es": "spanish"},
    #: The time zone dates are shown in when neither the host nor the person names one (an IANA name).
    "FORUM_TIMEZONE": "UTC",
    #: The community's name, shown in page titles and headings.
    "FORUM_TITLE": "Community help",
    #: Threads shown per page in lists.
    "FORUM_THREADS_PER_PAGE": 25,
    #: Answers shown per page on a thread page.
    "FORUM_POSTS_PER_PAGE": 30,
    #: The longest title allowed, in characters.
    "FORUM_MAX_TITLE_LENGTH": 150,
    #: The shortest title allowed, in characters.
    "FORUM_MIN_TITLE_LENGTH": 8,
    #: The longest post allowed, in characters.
    "FORUM_MAX_BODY_LENGTH": 32000,
    #: How many tags one thread may carry.
    "FORUM_MAX_TAGS": 5,
    #: Plugins to enable: objects or dotted import paths (see plugin_api).
    "FORUM_PLUGINS": (),
    #: Points rules: a forum.gamification.rules.PointRules, or a dict overriding some of its fields.
    "FORUM_POINTS": None,
    #: Level rules: a forum.gamification.rules.LevelRules, or a dict overriding some of its fields.
    "FORUM_LEVELS": None,
    #: Extra badges (forum.gamification.badges.BadgeRule) beside the defaults.
    "FORUM_BADGES": (),
    #: Suggestions by meaning as well as by words (a small model inside the wordllama package, on the CPU).
    "FORUM_SEMANTIC": True,
    #: Which wordllama model: its name in that package. A name it does not have switches meaning off, saying why.
    "FORUM_SEMANTIC_MODEL": "l2_supercat",
    #: How close in meaning (cosine similarity, 0 to 1) a solved thread must be to be suggested; below it,
    #: nothing is shown rather than something unrelated. Tuned with bench/relevance.py.
    "FORUM_SUGGEST_MIN_SIMILARITY": 0.34,
    #: The most vectors one process keeps in memory (the newest): about 1 KB each.
    "FORUM_SEMANTIC_MAX_VECTORS": 100_000,
    #: A Flask-SQLAlchemy bind key (in ``SQLALCHEMY_BINDS``) of a read replica: search, thread lists and feeds
    #: read there, while writes, thread pages and a person's own things stay on the primary. ``None``: all primary.
    "FORUM_READ_BIND": None,
    #: Pages a phone or laptop keeps for reading without a connection (favourites, the front page and the last
    #: questions read), through a service worker; ``0`` registers none.
    "FORUM_OFFLINE_PAGES": 20,
    #: Live updates (bell, new answers, banners) over server-sent events: streams one process holds at most.
    #: Each holds a thread while the tab is open, so serve with gunicorn's gthread workers; ``0``: pages poll.
    "FORUM_LIVE_STREAMS": 50,
    #: How long one stream lasts before the browser opens the next (proxies dislike endless responses).
    "FORUM_LIVE_SECONDS": 300,
    #: How often a stream reads the database even when this process saw no change (another process's change).
    "FORUM_LIVE_POLL_SECONDS": 5,
    #: Seconds to wait for plugins' knowledge bases before showing results without them.
    "FORUM_EXTERNAL_TIMEOUT": 0.5,
    #: The portal's public address (such as "https://portal.example.com"), for links sent to the desk and by e-mail.
    "FORUM_SITE_URL": "http://localhost:5000",
    #: The service-desk connector: an installed connector's name ("request_tracker", "webhook", "email"),
    #: a "module:Class" path, or a plugin_api.desk.Connector instance. ``None`` switches escalation off.
    "FORUM_DESK_CONNECTOR": None,
    #: The connector's own settings (see its ``settings``; the admin page lists them).
    "FORUM_DESK_SETTINGS": {},
    #: Which desk queue each category's tickets go to: {"vpn": "Network"}; others go to the connector's default.
    "FORUM_DESK_QUEUES": {},
    #: Seconds to wait for the desk before giving up on one call (and trying again later).
    "FORUM_DESK_TIMEOUT": 15.0,
    #: Tries before a call to the desk is given up and shown to desk agents to look at.
    "FORUM_DESK_MAX_ATTEMPTS": 8,
    #: The first wait before trying again, in seconds; it doubles each time (with jitter), up to an hour.
    "FORUM_DESK_RETRY_SECONDS": 30.0,
    #: How often the worker reads open tickets for news, in seconds.
    "FORUM_DESK_POLL_SECONDS": 60.0,
    #: The secret (whsec_...) that signs messages the desk sends to the forum's inbound webhook.
    "FORUM_DESK_WEBHOOK_SECRET": None,
    #: The largest inbound desk message taken in, in bytes; a larger one is refused before it is read.
    "FORUM_DESK_WEBHOOK_MAX_BYTES": 256 * 1024,
    #: The portal user who speaks for the IT team: a resolved ticket's answer is posted in their name.
    "FORUM_DESK_USER_ID": None,
    #: Hours without any answer before a question goes to the IT team by itself; ``None`` never.
    "FORUM_ESCALATE_NO_ANSWER_HOURS": 8,
    #: Hours without an accepted answer before a question goes to the IT team by itself; ``None`` never.
    "FORUM_ESCALATE_UNSOLVED_HOURS": 48,
    #: The SMTP server that sends notification e-mail; ``None`` sends none (notices stay in the portal).
    "FORUM_MAIL_SERVER": None,
    #: Its port: 25, 587 with STARTTLS, or 465 with TLS.
    "FORUM_MAIL_PORT": 25,
    #: "none", "starttls" or "tls".
    "FORUM_MAIL_SECURITY": "none",
    #: Login for the SMTP server, if it needs one.
    "FORUM_MAIL_USERNAME": None,
    "FORUM_MAIL_PASSWORD": None,
    #: The address notification e-mail comes from.
    "FORUM_MAIL_SENDER": "community@localhost",
    #: Seconds to wait for the SMTP server.
    "FORUM_MAIL_TIMEOUT": 10.0,
    #: Tries before an e-mail is given up (the notice stays in the portal).
    "FORUM_MAIL_MAX_ATTEMPTS": 6,
    #: Hours between two digest e-mails to one person.
    "FORUM_DIGEST_HOURS": 24,
    #: Seconds between two refreshes of the bell's count in an open page.
    "FORUM_BELL_SECONDS": 30,
    #: Seconds a page rendered for a guest is served to other guests (0 turns this off). Signed-in people always
    #: get a fresh page.
    #: A Redis that every web process shares (``redis://127.0.0.1:6379/0``): a change made through one process
    #: then retires every process's kept guest pages and banners at once. ``None``: each process on its own.
    "FORUM_REDIS_URL": None,
    #: The start of the forum's Redis keys, for a Redis that several portals share.
    "FORUM_REDIS_PREFIX": "forum:",
    "FORUM_GUEST_CACHE_SECONDS": 10,
    #: Seconds the rendered answers and timeline of a thread page are kept while the thread does not change
    #: (any change to it shows at once; people's names and levels, and "5 minutes ago", may lag this long).
    #: 0 turns this off.
    "FORUM_THREAD_CACHE_SECONDS": 60,
    #: How many rendered thread parts each worker process keeps (the least recently used go first).
    "FORUM_THREAD_CACHE_SIZE": 200,
    #: Whether the forum's bar shows its own "Log in" link to guests; turn it off when your layout shows one.
    "FORUM_BAR_LOGIN_LINK": True,
    #: Seconds during which people can undo deleting their own post, as mail apps let them.
    "FORUM_UNDO_SECONDS": 600,
    #: Whether the rate limits below are counted (silences always hold). Hosts switch them off in their own tests.
    "FORUM_RATE_LIMITS": True,
    #: How much flags must weigh together before a post is hidden at once, pending review.
    "FORUM_FLAG_HIDE_WEIGHT": 3,
    #: What one flag weighs, by the flagger's level (0 Newcomer … 4 Champion); the IT team's flags weigh the most.
    "FORUM_FLAG_WEIGHTS": {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, "agent": 3},
    #: Rate limits per action and level, as "N per period" (several with ";"); the IT team has none. A dict here
    #: overrides some of forum.moderation.limits.DEFAULT_LIMITS: {"answer": {0: "2 per 5 minutes"}}.
    "FORUM_LIMITS": None,
    #: Links a Newcomer may put in one post; images wait until they are Members.
    "FORUM_NEWCOMER_MAX_LINKS": 2,
    #: More links than this in one post (below Superuser) and it waits for a check instead of showing.
    "FORUM_SPAM_MAX_LINKS": 8,
    #: Patterns (regular expressions, case-insensitive) that send a post to the review queue.
    "FORUM_SPAM_PATTERNS": (
        r"\bcasino\b",
        r"\bviagra\b",
        r"\bcrypto(currency)? (giveaway|airdrop)\b",
        r"\bbuy (cheap|now)\b.*https?://",
        r"\b(earn|make) \$?\d+ (a|per) (day|hour)\b",
    ),
    #: Whether a new member's first post waits for a check before others see it.
    "FORUM_REVIEW_FIRST_POSTS": False,
    #: Votes each person can have on open ideas at a time; a vote comes back when its idea closes.
    "FORUM_IDEA_VOTES": 10,
    #: Whether the forum turns dark when the person's system is in dark mode. Turn it off when your layout
    #: stays light, so the forum does not sit dark inside a light page.
    "FORUM_DARK_MODE": True,
    #: The Content-Security-Policy sent with forum pages. ``None`` sends none (the host sets its own).
    "FORUM_CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    ),
}
