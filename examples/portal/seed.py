"""Demo content: people, categories and realistic IT-help threads, written through the forum's own services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa
from flask import Flask

from forum import get_state
from forum.gamification import followups, levels
from forum.gamification.rules import SUPERUSER
from forum.ideas import proposals
from forum.notifications import announcements
from forum.rewards import catalogue
from forum.search import articles
from forum.search.engine import index_pending
from forum.threads import posting, reactions, solutions
from forum.threads.categories import slugify

from .app import Account, db

PEOPLE = [
    # username, name, job, role
    ("ana", "Ana Martins", "Accounts payable", "employee"),
    ("ben", "Ben Okafor", "Sales", "employee"),
    ("chloe", "Chloé Dubois", "Marketing", "employee"),
    ("dev", "Dev Patel", "Warehouse lead", "employee"),
    ("emma", "Emma Schmidt", "HR", "employee"),
    ("sam", "Sam Lee", "Finance analyst, superuser", "employee"),
    ("rita", "Rita Gomez", "Office manager, superuser", "employee"),
    ("dana", "Dana Kowalski", "IT service desk", "agent"),
]
ASKERS = ["ana", "ben", "chloe", "dev", "emma"]
HELPERS = ["sam", "rita", "dana", "sam", "rita"]

CATEGORIES = [
    ("Email & calendar", "Outlook, shared mailboxes, meeting invites and calendars."),
    ("VPN & remote access", "Working from home, the VPN app, and getting to the office network."),
    ("Printers & scanning", "Printing, scanning to email, and the office printers."),
    ("Passwords & accounts", "Signing in, resetting passwords, and two-step sign-in."),
    ("Laptops & phones", "Your laptop, your work phone, and their apps."),
    ("Software & licences", "Installing and updating programs, and asking for licences."),
]

# (category index, title, body, tags, answers)
THREADS: list[tuple[int, str, str, str, list[str]]] = [
    (
        0,
        "Outlook keeps asking for my password",
        "Since this morning Outlook pops up a password box every few minutes. I type my password and it comes back.",
        "outlook, password",
        [
            "This usually happens after a password change. Close Outlook, open **Credential Manager** from the Start menu, remove the entries that start with `MicrosoftOffice`, then open Outlook again and sign in once.",
            "Same here last week. What Sam said fixed it for me.",
        ],
    ),
    (
        0,
        "How do I share my calendar with my team?",
        "I want my team to see when I am busy, but not the details of my meetings.",
        "calendar, outlook",
        [
            "In Outlook, go to **Calendar**, right-click your calendar, choose **Sharing permissions**, then **Add** your team and pick *Can view when I'm busy*.",
        ],
    ),
    (
        0,
        "Meeting invites arrive in the wrong time zone",
        "People in the Lisbon office get my invites one hour off.",
        "calendar, timezone",
        [
            "Check **File > Options > Calendar > Time zones** in Outlook. It must match the time zone of your laptop (Settings > Time & language).",
        ],
    ),
    (
        0,
        "Shared mailbox does not show up in Outlook",
        "I was given access to the finance@ mailbox yesterday, but I cannot see it.",
        "outlook, shared-mailbox",
        [
            "It can take a few hours to appear. If it is still missing tomorrow, go to **File > Account settings > Change > More settings > Advanced** and add it by hand.",
            "Restarting Outlook twice helped me. The first start after the change only downloads the list.",
        ],
    ),
    (
        0,
        "My emails are stuck in the Outbox",
        "Three messages have been sitting in the Outbox for an hour. Everything else works.",
        "outlook",
        [
            "Look for a large attachment. Anything over 25 MB is refused. Open the message, remove the attachment and share a OneDrive link instead.",
        ],
    ),
    (
        0,
        "How do I set an out-of-office reply?",
        "I am on holiday next week and want people to know who to contact.",
        "outlook, out-of-office",
        [
            "**File > Automatic replies**. Tick *Send automatic replies*, set the dates, and write one message for people inside the company and one for people outside.",
        ],
    ),
    (
        0,
        "Calendar shows meetings twice",
        "Every meeting appears twice in my calendar on my phone but not on my laptop.",
        "calendar, phone",
        [],
    ),
    (
        0,
        "Can I recover an email I deleted by mistake?",
        "I emptied Deleted Items and now I need an invoice that was in there.",
        "outlook",
        [
            "Yes, for 14 days. In Outlook, select **Deleted Items**, then **Recover items recently removed from this folder** at the top.",
        ],
    ),
    (
        0,
        "Signature images show as attachments",
        "Customers see my logo as an attachment instead of in the signature.",
        "outlook, signature",
        [],
    ),
    (
        0,
        "Teams meeting button missing in Outlook",
        "The New Teams Meeting button disappeared from my calendar.",
        "teams, outlook",
        [
            "Close Outlook and Teams, start Teams first, wait a minute, then start Outlook. The add-in loads when both run.",
        ],
    ),
    (
        1,
        "VPN disconnects every hour at home",
        "The VPN drops roughly every 60 minutes and I lose my connection to the shared drive.",
        "vpn, home",
        [
            "Is your laptop going to sleep? Go to **Settings > Power** and set *When plugged in, put my device to sleep after* to *Never*.",
            "Also check your home router. Some of them end idle connections after an hour. Restarting the router helped me.",
            "We pushed a VPN client update on Monday that fixes a timeout. Restart your laptop to get it.",
        ],
    ),
    (
        1,
        "VPN says 'certificate expired'",
        "The VPN app says my certificate has expired and will not connect.",
        "vpn, certificate",
        [
            "Connect to the office Wi-Fi once (or plug in at the office), then restart. The laptop renews the certificate by itself.",
        ],
    ),
    (
        1,
        "Can I use the VPN on my personal laptop?",
        "My work laptop is being repaired. Can I install the VPN on my own computer?",
        "vpn, policy",
        [
            "No, sorry. The VPN only works on company devices. Ask the desk for a loan laptop; they have a few ready.",
        ],
    ),
    (
        1,
        "Remote desktop to my office PC is very slow",
        "Connecting to my office computer from home works, but everything lags.",
        "remote-desktop, vpn",
        [
            "Lower the display settings: in Remote Desktop, **Show options > Experience**, pick *Low-speed broadband*.",
        ],
    ),
    (
        1,
        "VPN connects but I cannot open intranet pages",
        "The VPN says connected, but the intranet does not load.",
        "vpn, intranet",
        [
            "Try the full address, like `intranet.acme.local` instead of just `intranet`. If that works, restart the laptop to refresh its settings.",
        ],
    ),
    (1, "Working from a hotel: VPN blocked", "The hotel Wi-Fi seems to block the VPN.", "vpn, travel", []),
    (
        1,
        "How do I get to the shared drive from home?",
        "I need files from the S: drive while working from home.",
        "vpn, shared-drive",
        [
            "Connect to the VPN first. Then open File Explorer and the S: drive appears as usual.",
        ],
    ),
    (
        1,
        "VPN app will not start after the update",
        "After last night's update the VPN app opens and closes straight away.",
        "vpn, update",
        [
            "Restart the laptop twice. The update finishes on the second start.",
        ],
    ),
    (1, "Is there a VPN for my phone?", "I would like to read intranet pages on my phone.", "vpn, phone", []),
    (
        1,
        "Two-factor prompt never arrives when connecting to VPN",
        "I connect, it says 'approve on your phone', but nothing comes.",
        "vpn, mfa",
        [
            "Open the Authenticator app and pull down to refresh. If notifications are off for the app, the prompt waits there.",
        ],
    ),
    (
        2,
        "Printer on 3rd floor says 'paper jam' but there is no paper stuck",
        "I checked every tray and door.",
        "printer, 3rd-floor",
        [
            "Open the back door and look for tiny scraps. Then switch the printer off and on again; the sensor resets.",
            "I found a staple in there once. It looked empty too.",
        ],
    ),
    (
        2,
        "How do I scan a document to my email?",
        "I need to scan a signed contract and send it to myself.",
        "scanning, printer",
        [
            "Tap your badge on the printer, choose **Scan to me**, put the paper in the top tray, press **Start**. It arrives in a couple of minutes.",
        ],
    ),
    (2, "Printing comes out blank", "Pages come out of the printer, but there is nothing on them.", "printer", []),
    (
        2,
        "Cannot find the new printer on my laptop",
        "The new printer by the kitchen is not in my list.",
        "printer, setup",
        [
            "Open **Settings > Printers**, choose *Add device*, and pick `PRN-KITCHEN-2`. If it is not listed, restart your laptop once while at the office.",
        ],
    ),
    (
        2,
        "Print in colour by default",
        "Everything prints in black and white even when I pick colour.",
        "printer, colour",
        [
            "Colour is switched off by default to save toner. Ask your manager to approve colour printing, then the desk turns it on for you.",
        ],
    ),
    (
        2,
        "My print job is stuck in the queue",
        "The queue says 'printing' for an hour and nothing comes out.",
        "printer, queue",
        [
            "Cancel the job in the queue, restart the laptop, and print again. If other people can print, it is your laptop and not the printer.",
        ],
    ),
    (2, "Scanner makes PDFs that are too large to email", "A 10 page scan is 40 MB.", "scanning", []),
    (
        2,
        "Badge does not work at the printer",
        "I tap my badge and the printer says 'unknown card'.",
        "printer, badge",
        [
            "The first time, the printer asks you to sign in with your user name and password, then it remembers your badge.",
        ],
    ),
    (
        2,
        "Printing double-sided",
        "How do I print on both sides to save paper?",
        "printer",
        [
            "In the print window choose **Printer properties > Finishing > Print on both sides**.",
        ],
    ),
    (
        2,
        "Label printer in the warehouse prints half labels",
        "Our labels are cut in half since Tuesday.",
        "printer, warehouse",
        [],
    ),
    (
        3,
        "I forgot my password and I'm locked out",
        "I typed it wrong too many times and now I cannot log in at all.",
        "password, locked-out",
        [
            "Go to the password reset page from your phone: it asks for a code from your authenticator app, then lets you choose a new password. The lock clears after 15 minutes too.",
        ],
    ),
    (
        3,
        "How do I set up two-step sign-in on a new phone?",
        "I got a new phone and the authenticator codes are on the old one.",
        "mfa, phone",
        [
            "If you still have the old phone, open **My sign-ins** on your laptop, choose *Add sign-in method*, and scan the QR code with the new phone. Then remove the old one.",
            "If the old phone is gone, call the desk. They can reset it after checking who you are.",
        ],
    ),
    (
        3,
        "Why do I have to change my password every 90 days?",
        "It's annoying. Can I keep the same one?",
        "password, policy",
        [
            "We changed this in spring: passwords now only expire if there is a sign of trouble. If you are still asked every 90 days, tell the desk, your account may be on the old rule.",
        ],
    ),
    (
        3,
        "New starter has no account yet",
        "Someone joins my team on Monday. Who creates their account?",
        "accounts, onboarding",
        [
            "HR's starter form creates it. Ask HR to check the form was sent at least 5 working days before the start date.",
        ],
    ),
    (3, "My name is spelled wrong in the address book", "My surname is missing an accent.", "accounts", []),
    (
        3,
        "Getting 'account disabled' after holiday",
        "I was away for 6 weeks and now my account is disabled.",
        "accounts, locked-out",
        [
            "Accounts are paused after 30 days without sign-in. Call the desk, they turn it back on in a few minutes.",
        ],
    ),
    (
        3,
        "Password manager: which one are we allowed to use?",
        "Can I use my own password manager for work passwords?",
        "password, policy",
        [],
    ),
    (
        3,
        "Authenticator app keeps saying the code is wrong",
        "I type the 6 numbers and it says incorrect.",
        "mfa",
        [
            "Check your phone's clock. Codes depend on time, so turn on *Set time automatically* in the phone settings.",
        ],
    ),
    (
        3,
        "Access to the finance shared folder",
        "How do I ask for access to the Finance folder?",
        "accounts, shared-drive",
        [
            "Ask the folder's owner (your manager knows who it is) to approve it in the access request form on the portal.",
        ],
    ),
    (3, "Signed out of everything at once", "This morning every app asked me to sign in again.", "accounts", []),
    (
        4,
        "Laptop battery drains very fast",
        "My laptop is at 0% after two hours.",
        "laptop, battery",
        [
            "Open **Settings > System > Power > Battery usage** to see which app uses it. Browsers with many tabs are often the cause.",
            "If the battery is more than 3 years old, the desk can replace it. Ask for a battery check.",
        ],
    ),
    (
        4,
        "How do I connect my laptop to two monitors?",
        "At my desk there are two screens but only one works.",
        "laptop, monitor",
        [
            "Use the dock's two display ports rather than one HDMI and one USB. Then press **Windows + P** and pick *Extend*.",
        ],
    ),
    (
        4,
        "Work phone does not get email",
        "My work phone stopped syncing email yesterday.",
        "phone, email",
        [
            "Open the Outlook app, go to **Settings**, tap your account and choose *Reset account*.",
        ],
    ),
    (
        4,
        "Laptop is very slow after the weekend",
        "It takes 10 minutes to start up.",
        "laptop, slow",
        [
            "Updates were installed over the weekend. Leave it on for an hour, plugged in, then restart. It is normal after big updates.",
        ],
    ),
    (
        4,
        "Webcam not working in Teams",
        "People see a black square instead of me.",
        "laptop, teams, camera",
        [
            "Some laptops have a small slider over the camera. Also check the camera key (F10 on many models) and **Settings > Privacy > Camera**.",
        ],
    ),
    (4, "Can I get a bigger screen?", "I work with big spreadsheets all day.", "hardware, request", []),
    (
        4,
        "Phone storage full because of photos",
        "My work phone says storage full.",
        "phone",
        [
            "Back your photos up to OneDrive (the app does it for you) and then choose *Free up space* in the OneDrive settings.",
        ],
    ),
    (
        4,
        "Spilled coffee on my keyboard",
        "The keys are sticky and some do not work.",
        "laptop, hardware",
        [
            "Switch it off now and do not turn it back on. Bring it to the desk today; the sooner, the better the chance to save it.",
        ],
    ),
    (4, "Bluetooth headset keeps disconnecting", "My headset drops in the middle of calls.", "bluetooth, headset", []),
    (
        4,
        "How do I lock my laptop when I leave my desk?",
        "Is there a quick way?",
        "laptop, security",
        [
            "Press **Windows + L**. That's it.",
        ],
    ),
    (
        5,
        "How do I install Adobe Acrobat?",
        "I need to edit PDFs for contracts.",
        "software, licence",
        [
            "Open **Company Portal** from the Start menu and search for Acrobat. If it says *request*, your manager gets an approval email.",
        ],
    ),
    (
        5,
        "Excel crashes when I open a large file",
        "A 60 MB workbook makes Excel close without a message.",
        "excel",
        [
            "Open Excel in safe mode (hold **Ctrl** while starting it). If the file opens, an add-in is the cause; turn them off one by one under **File > Options > Add-ins**.",
        ],
    ),
    (
        5,
        "Can I install Zoom?",
        "A customer sends Zoom links.",
        "software, zoom",
        [
            "You do not need to install it. Click the link and choose *Join from your browser*.",
        ],
    ),
    (
        5,
        "Company Portal says 'installation failed'",
        "I tried to install Power BI twice.",
        "software, company-portal",
        [],
    ),
    (
        5,
        "Do we have a licence for Visio?",
        "I need to draw a process diagram.",
        "software, licence, visio",
        [
            "We have a few Visio licences. Request it in Company Portal. For simple diagrams, PowerPoint's shapes often do the job.",
        ],
    ),
    (
        5,
        "Teams is stuck on the loading screen",
        "Teams shows the logo forever.",
        "teams",
        [
            "Quit Teams from the icon by the clock, then delete the folder `%appdata%\\Microsoft\\Teams` (paste that into File Explorer's address bar) and start Teams again.",
        ],
    ),
    (
        5,
        "Which browser should I use for the HR system?",
        "Some buttons do not work in Firefox.",
        "browser, hr-system",
        [
            "The HR system is tested on Edge and Chrome. Use one of those for it.",
        ],
    ),
    (
        5,
        "Update keeps asking me to restart",
        "Every hour a message asks me to restart for updates.",
        "updates",
        [
            "Save your work and restart once. The messages stop when the update is finished.",
        ],
    ),
    (
        5,
        "Can't open .msg files attached to emails",
        "When I double-click the attachment nothing happens.",
        "outlook, software",
        [],
    ),
    (
        5,
        "Where can I download the expense app?",
        "I need to submit receipts from my phone.",
        "software, phone, expenses",
        [
            "In the App Store or Play Store search for *Acme Expenses*. Sign in with your work account.",
        ],
    ),
]

# Colleagues in the Munich and Lyon offices ask in their own language; the forum's pages follow each reader's.
THREADS += [
    (
        1,
        "VPN trennt sich jede Stunde",
        "Seit dem Update am Montag fliegt mein VPN jede Stunde raus. Ich muss mich dann neu anmelden.",
        "vpn, verbindung",
        [
            "Das liegt meist an der alten VPN-App. Öffne das **Software Center**, suche *Acme VPN* und installiere die "
            "neue Version. Danach bleibt die Verbindung stabil.",
            "Bei mir hat genau das geholfen. Danke!",
        ],
    ),
    (
        2,
        "Drucker im 3. Stock druckt nur leere Seiten",
        "Alle Seiten kommen leer aus dem Drucker. Der Toner ist laut Anzeige voll.",
        "drucker, toner",
        [
            "Öffne die Frontklappe, nimm die Tonerkartusche heraus und schüttle sie vorsichtig. Oft ist die "
            "Schutzfolie noch dran: zieh sie ab und setze die Kartusche wieder ein.",
        ],
    ),
    (
        3,
        "Je ne reçois pas le code de connexion par SMS",
        "Depuis que j'ai changé de téléphone, le code à usage unique n'arrive plus.",
        "mfa, telephone",
        [
            "Le code part encore vers l'ancien numéro. Dans le portail, ouvrez **Mon compte**, puis **Méthodes de "
            "connexion**, et ajoutez votre nouveau numéro. Supprimez l'ancien ensuite.",
            "Merci, ça marche de nouveau !",
        ],
    ),
    (
        4,
        "Mon ordinateur portable ne se connecte plus au Wi-Fi du bureau",
        "Il voit le réseau mais reste bloqué sur « Connexion en cours ».",
        "wifi, portable",
        [],
    ),
]


def seed(app: Flask, *, seed_value: int = 7) -> None:
    """Fill an empty portal database with demo people and threads."""
    rng = random.Random(seed_value)
    # Weeks of activity are written in one go, so lift the new-member daily like limit and the rate limits.
    saved = app.config.get("FORUM_LEVELS"), app.config.get("FORUM_RATE_LIMITS", True)
    app.config["FORUM_LEVELS"] = {"newcomer_daily_likes": 10_000}
    app.config["FORUM_RATE_LIMITS"] = False
    try:
        _seed(app, rng)
    finally:
        app.config["FORUM_LEVELS"], app.config["FORUM_RATE_LIMITS"] = saved


def _seed(app: Flask, rng: random.Random) -> None:
    with app.app_context():
        state = get_state(app)
        db.create_all()
        if db.session.scalar(sa.select(sa.func.count()).select_from(Account)):
            _speaker(app)
            return
        for username, name, job, role in PEOPLE:
            db.session.add(
                Account(username=username, display_name=name, job=job, role=role, email=f"{username}@example.com")
            )
        db.session.commit()
        accounts = {a.username: a for a in db.session.scalars(sa.select(Account))}
        people = {k: state.users.to_forum_user(v) for k, v in accounts.items()}

        Category = state.models.Category
        general = db.session.scalar(sa.select(Category).where(Category.slug == "general"))
        categories = []
        for position, (name, description) in enumerate(CATEGORIES):
            category = Category(name=name, slug=slugify(name), description=description, position=position)
            db.session.add(category)
            categories.append(category)
        if general is not None:
            general.position = len(CATEGORIES)
        db.session.commit()

        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        Thread = state.models.Thread
        for index, (category_index, title, body, tags, answers) in enumerate(THREADS):
            asker = people[ASKERS[index % len(ASKERS)]]
            thread = posting.create_thread(
                state, asker, category_id=categories[category_index].id, title=title, body=body, tags=tags
            )
            asked_at = now - dt.timedelta(hours=len(THREADS) - index + rng.randint(0, 30), minutes=rng.randint(0, 59))
            _backdate(state, thread.id, None, asked_at)
            when = asked_at
            for number, text in enumerate(answers):
                helper = people[HELPERS[(index + number) % len(HELPERS)]]
                if helper.id == asker.id:
                    helper = people["dana"]
                post = posting.add_answer(state, helper, thread, text)
                when = when + dt.timedelta(minutes=rng.randint(4, 240))
                _backdate(state, thread.id, post.id, when)
            db.session.execute(sa.update(Thread).where(Thread.id == thread.id).values(last_activity_at=when))
            db.session.commit()
            _react(state, people, thread.id, rng)
        db.session.commit()
        # People have been coming by for a while.
        Member = state.models.Member
        yesterday = dt.date.today() - dt.timedelta(days=1)
        for person in people.values():
            followups.record_visit(state, person.id, today=yesterday)
            db.session.execute(
                sa.update(Member).where(Member.user_id == person.id).values(days_visited=rng.randint(5, 60))
            )
            levels.refresh(state, person.id)
        db.session.commit()
        # The two trained superusers, as a desk would name them by hand.
        for username in ("sam", "rita"):
            levels.grant(state, people["dana"], people[username].id, SUPERUSER, lock=True)
        _news(state, people["dana"], now)
        _ideas(state, people)
        _rewards(state, people)
        followups.apply_pending(state)  # the badges, levels and notices the likes earned, as the worker would
        index_pending(state)  # searchable at once, without waiting for the worker's first pass
        _speaker(app)


def _ideas(state: Any, people: dict[str, Any]) -> None:
    """Two ideas colleagues voted for, one of them already planned by the IT team."""
    mfa = proposals.propose(
        state,
        people["ana"],
        title="Let us reset our own MFA from the portal",
        body="When I get a new phone I have to call the desk and wait. A reset button here would save everyone time.",
    )
    for name in ("ben", "chloe", "sam"):
        proposals.vote(state, people[name], mfa)
    proposals.set_status(
        state,
        people["dana"],
        mfa,
        "planned",
        note="We are testing it with the finance team first.",
        target_date="2027-03-31",
    )
    printer = proposals.propose(
        state,
        people["dev"],
        title="Show which printers are out of toner",
        body="A list in the portal would save walking to a printer that cannot print.",
    )
    proposals.vote(state, people["emma"], printer)


def _rewards(state: Any, people: dict[str, Any]) -> None:
    """A small catalogue, and one superuser's order waiting for the IT team."""
    coffee = catalogue.save(
        state,
        people["dana"],
        name="Coffee voucher",
        description="A coffee on the IT team, at the ground-floor café.",
        picture_url="",
        cost=50,
        stock=20,
        min_level=0,
        active=True,
    )
    catalogue.save(
        state,
        people["dana"],
        name="Noise-cancelling headset",
        description="For calls in the open office.",
        picture_url="",
        cost=400,
        stock=2,
        min_level=3,
        active=True,
    )
    catalogue.redeem(state, people["sam"], coffee.id)


def _news(state: Any, agent: Any, now: dt.datetime) -> None:
    """What the IT team has told everyone: one planned maintenance, and one answer turned into an article."""
    monday = (now + dt.timedelta(days=7 - now.weekday())).replace(hour=18, minute=0, second=0, microsecond=0)
    announcements.publish(
        state,
        agent,
        kind="maintenance",
        title="E-mail is paused on Monday evening for an upgrade",
        body="From 18:00 to 20:00 on Monday you cannot send or receive e-mail. Nothing is lost: "
        "mail sent to you in that time arrives afterwards.",
        services="Email",
        severity="minor",
        starts_at=monday,
        ends_at=monday + dt.timedelta(hours=2),
    )
    Thread, Post = state.models.Thread, state.models.Post
    solved = db.session.scalar(sa.select(Thread).where(Thread.accepted_post_id.is_not(None)).order_by(Thread.id))
    if solved is not None:
        draft = articles.promote(state, agent, db.session.get(Post, solved.accepted_post_id))
        articles.save(
            state,
            agent,
            title=draft.title,
            body=draft.body_source,
            category_id=draft.category_id,
            publish=True,
            article=draft,
        )


def _react(state: Any, people: dict[str, Any], thread_id: int, rng: random.Random) -> None:
    """Likes from colleagues, and most askers marking the answer that worked."""
    Thread, Post = state.models.Thread, state.models.Post
    thread = db.session.get(Thread, thread_id)
    answers = list(db.session.scalars(sa.select(Post).where(Post.thread_id == thread_id, ~Post.is_question)))
    Like = state.models.Like
    for post in answers:
        for name in rng.sample(ASKERS, k=rng.randint(0, 3)):
            if people[name].id != post.author_id:
                reactions.like(state, people[name], post)
        # the likes came in over the days after the answer, not all today
        db.session.execute(sa.update(Like).where(Like.post_id == post.id).values(created_at=post.created_at))
    db.session.commit()
    if answers and rng.random() < 0.7:
        solutions.accept(state, people_by_id(people)[thread.author_id], thread, answers[0].id)


def people_by_id(people: dict[str, Any]) -> dict[Any, Any]:
    return {p.id: p for p in people.values()}


def _backdate(state: Any, thread_id: int, post_id: int | None, when: dt.datetime) -> None:
    """Spread the demo over the past days, as a real community would look."""
    Thread, Post, Rev = state.models.Thread, state.models.Post, state.models.PostRevision
    session = state.db.session
    if post_id is None:
        session.execute(sa.update(Thread).where(Thread.id == thread_id).values(created_at=when, last_activity_at=when))
        post_ids = sa.select(Post.id).where(Post.thread_id == thread_id, Post.is_question)
    else:
        post_ids = sa.select(Post.id).where(Post.id == post_id)
    session.execute(sa.update(Post).where(Post.id.in_(post_ids)).values(created_at=when))
    session.execute(sa.update(Rev).where(Rev.post_id.in_(post_ids)).values(created_at=when))
    session.commit()


def _speaker(app: Flask) -> None:
    """Dana, the desk agent, speaks for the IT team: resolved tickets' answers are posted in her name."""
    app.config["FORUM_DESK_USER_ID"] = db.session.scalar(
        sa.select(Account.account_id).where(Account.username == "dana")
    )
