skip = Skip to content
nav-home = Home
nav-about = About
nav-admin = Administration
nav-login = Log in
nav-logout = Log out
lang-switch = Language
footer = Powered by Maillage { $version }, free software (AGPL-3.0-or-later)
home-title = Territories on this instance
territory-follow-title = Follow from the fediverse
territory-handle-help = Search for this address in your app (Mastodon, Lemmy, Mobilizon…):
copy = Copy
copied = Copied
remote-follow-label = Your handle or instance
remote-follow-hint = For example: alice@mastodon.example or mastodon.example
remote-follow-submit = Follow
remote-follow-error = We could not find your instance: check the address.
perimeter = Area
domains = Domains of activity
followers-label = { $count ->
    [one] follower
   *[other] followers
}
following-label = { $count ->
    [one] following
   *[other] following
}
domain-energie = Energy
domain-finance = Finance
domain-habitat = Housing
domain-culture = Culture
domain-alimentation = Food
domain-commerce = Trade
domain-mobilite = Mobility
domain-autre = Other
about-title = About this instance
about-contact = Contact
about-rules = Rules
about-no-rules = No rules published.
about-no-contact = Not provided
about-territories = Territories
about-updated = Updated on { $date }
error-not-found = Page not found
error-not-found-text = No page at this address.
error-server = Server error
error-server-text = Something went wrong; please try again later.
error-forbidden = Access denied
error-forbidden-text = You do not have access to this page, or the form expired: reload the page.
error-other = Request refused
back-home = Back to the home page
login-title = Log in
email = Email address
password = Password
login-submit = Log in
login-failed = Wrong email or password.
login-throttled = Too many attempts: try again in a few minutes.
forgot-link = Forgot your password?
forgot-title = Reset your password
forgot-submit = Send the link
forgot-sent = If an account matches this address, a reset link has been sent.
reset-title = New password
reset-submit = Save
reset-invalid = This link is no longer valid. Ask for a new one.
reset-done = Password changed. You can log in.
reset-mail-subject = Reset your Maillage password
reset-mail-body = Hello,

    To choose a new password, open this link within the hour:
    { $link }

    If you did not ask for this, ignore this message.
password-too-short = At least 10 characters.
password-too-long = At most 200 characters.
admin-title = Administration
admin-territory = Territory
admin-followers = Followers
admin-following = Following
admin-domains = Blocked domains
admin-accounts = Accounts
admin-audit = Audit log
admin-federation = Federation
admin-instance = Instance
admin-welcome = Logged in as { $email } ({ $role }).
saved = Changes saved.
field-name = Name
field-summary = Description
field-perimeter = Area (municipalities, region…)
field-domains = Domains of activity
field-manual = Approve each new follower
field-icon = Logo or picture (PNG, JPEG, WebP or GIF, at most { $max })
upload = Upload the picture
save = Save
icon-invalid = This file is not a PNG, JPEG, WebP or GIF image.
icon-too-large = The picture is larger than { $max }. Make it smaller (for example 512 × 512 pixels) and send it again.
name-invalid = The name must have 1 to 200 characters.
summary-invalid = The description has at most 5000 characters.
perimeter-invalid = The area has at most 500 characters.
error-summary = The form has errors.
pending = Pending
accepted = Accepted
approve = Approve
reject = Reject
none = None.
follow-remote-title = Follow another territory
follow-handle = Handle (name@instance)
follow-submit = Follow
follow-failed = Could not follow this account: { $reason }
follow-sent = Follow request sent.
unfollow = Unfollow
domain = Domain
reason = Reason
block = Block
unblock = Unblock
domain-severity = Severity
domain-severity-suspend = Blocked
domain-severity-limit = Limited (follows held, kept out of public lists)
domain-severity-noop = Noted (no effect)
domain-invalid = Enter a domain name, for example spam.example.
role = Role
role-admin = Administrator
role-moderator = Moderator
create-account = Create account
disable = Disable
enable = Enable
disabled = disabled
when = When
who = Who
what = Action
detail = Detail
host = Host
queue-pending = Pending
queue-failed = Failed
queue-done = Delivered
last-success = Last success
unreachable = Unreachable since
instance-contact = Contact address
instance-rules = Instance rules
email-invalid = Invalid email address.
account-exists = An account already exists with this address.
state = State
charter-title = The charter
charter-versions = Charter versions
charter-version = Version { $version }
charter-missing = This territory has not published its charter yet.
sign-title = Sign the charter
sign-intro = Sign in your own name or on behalf of your organisation. Your contact details stay private: only the name, municipality, roles or domains and website may appear in the directory.
sign-link = Sign the charter
sign-kind = I sign
kind-individual = In my own name
kind-structure = On behalf of my organisation
field-signatory-name = Name (yours, or the organisation's)
field-commune = Municipality
field-roles = As a
field-legal-form = Legal form
field-website = Website
field-representative-name = Name of the person representing the organisation
field-representative-role = Their role
field-governance = Governance (in a few words)
field-partners = Partners
field-contact = Contact details (private)
field-phone = Phone (optional)
field-postal-address = Postal address (optional)
field-listed = Appear in the public directory
field-consent = I have read the charter (version { $version }) and commit to it.
field-nickname = Leave empty
sign-submit = Sign
sign-sent = Thank you! We sent you a message: open its link to confirm your signature. Not there? Look in your spam folder.
sign-confirmed = Your signature is confirmed. It will be published once the territory's team approves it.
sign-confirm-invalid = This confirmation link is no longer valid (already used or expired).
field-required = This field is required.
field-too-long = This text is too long.
field-invalid = Unknown value.
consent-required = Tick the box to sign.
charter-outdated = The charter changed: read the current version before signing.
email-taken = A signature with this address already exists for this territory.
sign-throttled = Too many signatures from your connection: try again later.
role-citoyen = Citizen
role-consommateur = Consumer
role-producteur = Producer
role-salarie = Employee
role-usager = User
role-distributeur = Distributor
role-autre = Other
legal-association = Association
legal-cooperative = Cooperative (SCOP, SCIC…)
legal-entreprise = Company
legal-collectivite = Local authority
legal-autre = Other
directory-title = Directory of signatories
directory-filter = Show
directory-empty = No signatory matches.
all = All
signatories-label = { $count ->
    [one] signatory
   *[other] signatories
}
admin-signatures = Signatures
reject-reason = Reason for refusal
export-csv = Export (CSV)
export-json = Export (JSON)
export-contacts = Export with contact details (CSV, administrators)
confirm-mail-subject = Confirm your signature of the CCES charter — { $territory }
confirm-mail-body = Hello,

    you signed the charter of Circuits Courts Économiques et Solidaires (version { $version })
    of the territory { $territory }. Thank you!
    To confirm your signature, open this link (valid for { $hours } hours):
    { $confirm }

    To view, change or withdraw your signature at any time, keep this link private:
    { $manage }
already-signed-mail-subject = Your signature of the CCES charter — { $territory }
already-signed-mail-body = Hello,

    someone (probably you) tried to sign the charter of Circuits Courts Économiques et
    Solidaires of the territory { $territory } with this address, which has already signed it:
    nothing has changed.
    To view, change or withdraw your signature, keep this link private:
    { $manage }

    If this was not you, you can ignore this message.
approved-mail-subject = Your signature of the CCES charter is accepted — { $territory }
approved-mail-body = Hello,

    you signed the charter of Circuits Courts Économiques et Solidaires of the territory
    { $territory }: the territory's team accepted your signature. Thank you for your commitment!

    The territory's directory of signatories:
    { $directory }
rejected-mail-subject = Your signature of the CCES charter was not accepted — { $territory }
rejected-mail-body = Hello,

    you signed the charter of Circuits Courts Économiques et Solidaires of the territory
    { $territory }: the territory's team did not accept your signature, for this reason:
    { $reason }
field-welcome = Welcome new signatories on the fediverse
welcome-note = Welcome to { $name } ({ $commune }), who just signed the charter of Circuits Courts Économiques et Solidaires!
manage-title = My signature
manage-intro = Here is everything this territory keeps about you. You can change it, download it or withdraw your signature.
manage-export = Download all my data
manage-withdraw = Withdraw my signature
manage-withdraw-confirm = I withdraw my signature: my personal data will be erased.
manage-withdrawn = Your signature is withdrawn and your personal data erased.
manage-invalid = This management link is not (or no longer) valid.
manage-saved = Your changes are saved.
withdraw = Withdraw
charter-import = Publish a new version
charter-version-label = Version label (for example 2025)
charter-content = Charter text (Markdown)
indicator-not-a-number = An indicator needs a numeric value.

## Good practices
practices-title = Good practices
practices-intro = Good practices of this territory and of the territories it follows: what they bring, how it is measured, who adopted them.
practice-new = New good practice
practice-edit = Edit the good practice
practice-form-intro = The summary must make sense on its own: it is what followers see on Mastodon.
practices-search = Search (word forms are matched: "circuits" finds "circuit")
practice-dimension = Added value
practice-territory = Territory
practice-tags = Tags
practice-tags-hint = Comma-separated; several words become one hashtag ("circuit court" → #CircuitCourt).
practice-remote = another territory
practices-count = { $count ->
    [0] No good practice found.
    [one] { $count } good practice
   *[other] { $count } good practices
}
adopted-by = { $count ->
    [0] Not adopted by another territory yet
    [one] Good practice adopted by { $count } territory
   *[other] Good practice adopted by { $count } territories
}
dimension-sociale = Social
dimension-economique = Economic
dimension-territoriale = Territorial
dimension-environnementale = Environmental
practice-from = Good practice from
practice-origin-link = see it on its home territory
practice-draft = draft
practice-added-value = Added value
practice-dimension-text = What it brings
practice-indicators-label = Indicators
indicator-name = Indicator
indicator-value = Value
indicator-unit = Unit
indicator-period = Period
practice-structures = Structures involved
practice-place = Place (coordinates)
latitude = Latitude
longitude = Longitude
practice-licence = Licence
practice-updated = Updated
practice-history = Change history
practice-field-title = Title
practice-field-summary = Summary (500 characters at most)
practice-summary-hint = It must make sense without the rest: it is what Mastodon and others show.
practice-field-body = Description
practice-body-hint = Markdown: **bold**, lists with "-", headings with "##".
likes-count = { $count ->
    [one] { $count } like
   *[other] { $count } likes
}
shares-count = { $count ->
    [one] { $count } share
   *[other] { $count } shares
}
adoption-yours = Your territory adopted this good practice
adoption-withdraw = Withdraw the adoption
adoption-note = Adopt this good practice: how did your territory adapt it?
adoption-note-hint = A few lines, seen by its home territory and your followers.
adoption-submit = Adopt
moderation = Moderation
edit = Edit
publish = Publish
practice-pin = Pin to the territory's profile
practice-unpin = Unpin
unpublish = Unpublish
delete = Delete
status = Status
status-draft = Draft
status-published = Published
comments-title = Comments
comments-none = No comment yet.
comments-how = To comment, reply to this good practice from your Mastodon or Lemmy account, or from your own CCES territory.
comment-hidden = hidden
comment-hide = Hide
comment-show = Show again
comment-write = Comment in the territory's name
comment-submit = Post the comment
notice-comment-posted = Comment posted.
notice-comment-updated = Comment updated.
notice-adopted = Adoption recorded and announced.
notice-unadopted = Adoption withdrawn.
notice-saved = Saved.
author-signatory = a signatory
author-remote = its home territory
author-moderation = the moderation team
admin-practices = Good practices
manage-practice = Propose a good practice
manage-practice-intro = Describe a good practice: the moderation team will review it before publishing it.
manage-practice-sent = Thank you! Your proposal is saved as a draft; the moderation team will review it.
comment-length = A comment is 1 to 5,000 characters long.
search = Search
filters = Filters
manage-proposals = Your proposals
manage-practice-edit = Edit my proposal
pages = Pages
page-prev = ← Previous page
page-next = Next page →
change-created = created
change-published = published
change-unpublished = unpublished
change-no-change = saved without change
change-remote-update = updated by its home territory
change-title = title
change-summary = summary
change-body = description
change-domains = domains
change-dimensions = added value and indicators
change-structures = structures
change-partners = partners
change-governance = governance
change-commune = commune
change-latitude = latitude
change-longitude = longitude
change-tags = tags
change-licence = licence
acting-territory = In the name of the territory
practices-latest = Latest good practices
practices-all = All good practices

## Practice form, place search, territory settings
notice-published = { $count ->
    [0] Published. Nobody follows this territory on the fediverse yet: it is visible on the site.
    [one] Published and sent to { $count } follower.
   *[other] Published and sent to { $count } followers.
}
practice-delete-title = Delete the good practice
practice-delete-hint = Deleting is final: the practice, its comments and its history are gone.
practice-delete-ask = Delete…
practice-delete-question = Delete “{ $title }” for good?
practice-delete-published = It is published: following servers will be told it was deleted.
practice-delete-confirm = Yes, delete for good
practice-delete-cancel = Cancel
number-invalid = This is not a number. Write for example 18,400.75 (no unit: it has its own field, “Unit”).
number-too-large = This number is too large.
indicators-check-values = Some indicator values are not numbers: see the messages beside the fields.
indicators-hint = One row per indicator; rows left empty are ignored. Write numbers as usual: 18,400.75.
indicator-add-row = Add a row
indicator-example-sociale-name = E.g. people supported
indicator-example-sociale-value = 120
indicator-example-sociale-unit = people
indicator-example-sociale-period = 2025
indicator-example-economique-name = E.g. share of the price going to producers
indicator-example-economique-value = 62.5
indicator-example-economique-unit = %
indicator-example-economique-period = 2025
indicator-example-territoriale-name = E.g. municipalities reached
indicator-example-territoriale-value = 14
indicator-example-territoriale-unit = municipalities
indicator-example-territoriale-period = 2024-2025
indicator-example-environnementale-name = E.g. waste avoided
indicator-example-environnementale-value = 18,400.75
indicator-example-environnementale-unit = kg
indicator-example-environnementale-period = per year
markdown-help-intro = Formatting:
markdown-help-bold = bold
markdown-help-italic = italic
markdown-help-link = link
markdown-help-list = list item
markdown-help-paragraphs = an empty line separates two paragraphs.
icon-current = Current icon
icon-current-alt = Current icon of { $name }
fediverse-address = Fediverse address
fediverse-address-why = This is the address people use to follow this territory from Mastodon or other fediverse software (the network of sites that follow each other). It does not change when the name changes: following servers know it, changing it would lose them. It is chosen when the territory is created (command “maillage territory create ADDRESS NAME”).
place-search-hint = Type the municipality's name or postal code, then pick it from the list: its coordinates are filled in for you.
place-suggestions = Matching municipalities
notice-practice-deleted = Good practice deleted.
## The signing journey (signing form, charter, private page, public wording)
field-choose-one = Choose at least one box.
website-invalid = Give a website address, for example jardins-redon.fr.
required-legend = Fields marked with an asterisk (*) are required.
required-mark = required
error-summary-intro = Correct these points, then send the form again:
sign-for-individual = If you sign in your own name
sign-for-structure = If you sign for an organisation
field-roles-hint = Tick at least one box.
field-domains-hint = Tick at least one box.
field-website-hint = For example: jardins-redon.fr
field-consent-short = Commitment
field-email-hint = To confirm your signature: it is never published.
manage-status = Your signature: { $status }
signature-status-unconfirmed = waiting for your confirmation (open the link we emailed you)
signature-status-confirmed = waiting for the territory's team to accept it
signature-status-approved = accepted
signature-status-rejected = refused
signature-status-withdrawn = withdrawn
directory-kind = People or organisations
directory-role = Role
territory-icon-alt = Logo of { $name }
followers-glossary = Followers: people who follow this territory from Mastodon or another fediverse network and get its news in their feed. Following: the accounts this territory follows.
error-summary-item = { $field }: { $message }
sign-read-charter = Read the charter before signing
field-roles-name = Your roles
directory-count-individual = { $count ->
    [one] person
   *[other] people
}
directory-count-structure = { $count ->
    [one] organisation
   *[other] organisations
}
directory-kind-individual = People
directory-kind-structure = Organisations
field-listed-hint = If you tick it, your name and municipality, with your roles or the organisation's domains and website, will be visible to everyone once accepted. Your contact details, never.
## coordinator's console
moderation-mail-subject = A signature waits for your decision — { $territory }
moderation-mail-body = Hello,

    { $name } ({ $commune }) signed the charter of the territory "{ $territory }" and confirmed their address. The signature waits for your decision (approve or reject):
    { $link }

    Signatures waiting in this territory: { $count }
    All signatures: { $list }

    You receive this message because you moderate this territory. To receive one summary a day, or nothing, see Administration → Instance.
moderation-digest-subject = Signatures waiting for a decision: { $count }
moderation-digest-body = Hello,

    Since the last summary, { $count } confirmed signature(s) wait for your decision:
    { $lines }
    You receive this summary once a day because you moderate these territories (setting: Administration → Instance).
list-summary = { $total } result(s) — page { $page } of { $pages }
pager-label = List pages
filter = Filter
select = Select
yes = Yes
no = No
kilobytes = kB
signature-status = Status
moderation-signature-status-confirmed = Waiting for a decision
moderation-signature-status-approved = Approved
moderation-signature-status-rejected = Rejected
moderation-signature-status-all = All
moderation-signature-status-unconfirmed = Address not confirmed yet
moderation-signature-status-withdrawn = Withdrawn
signature-as = Signing as
signature-received = Received
signature-decision = Decision
signature-details = (see details)
signatures-search-hint = name, town or address
signatures-empty = No signature matches. Signatures show here once their author has confirmed their address.
decided-approved = { $count ->
    [one] Signature approved: the person is told by mail.
   *[other] { $count } signatures approved: the people are told by mail.
}
decided-rejected = { $count ->
    [one] Signature rejected: the person receives the reason by mail.
   *[other] { $count } signatures rejected: the people receive the reason by mail.
}
decision-not-waiting = This signature no longer waits for a decision: someone already handled it, or it was withdrawn.
reject-reason-missing = Give the reason for the rejection (at most 1000 characters): it is sent to the person.
reject-reason-hint = The reason is sent to the person who signed.
bulk-hint = Tick signatures in the list, then approve or reject them all at once.
bulk-reason = Reason for rejection (for the ticked signatures)
bulk-approve = Approve the selection
bulk-reject = Reject the selection
bulk-none-selected = Tick at least one signature in the list.
bulk-partly = { $done } signature(s) handled; { $skipped } no longer waited for a decision and did not change.
back-to-signatures = All signatures
detail-title = Signature of { $name }
signature-decide = Decide
signature-facts = What the person declared
detail-representative = Represented by
detail-phone = Phone
detail-postal-address = Postal address
detail-listed = Wants to appear in the public directory
detail-charter = Charter version signed
detail-signed-at = Signed on
detail-confirmed-at = Address confirmed on
detail-decided-at = Decided on
signature-on-request = At the person's request
signature-on-request-hint = To answer a request to access, correct or erase their data.
signature-json = Download their data (JSON file)
signature-edit = Correct their information
signature-withdraw-open = Withdraw this signature…
signature-withdraw-confirm = Withdraw the signature for good and erase the personal data
audit-intro = What the console's accounts did, newest first. Times are in the instance's time zone ({ $zone }).
audit-show-routine = Also show logins and views of records
audit-empty = Nothing to show for this search.
audit-signature-gone = signature no. { $id } (withdrawn, data erased)
audit-practice-gone = good practice no. { $id } (deleted)
audit-login = Login
audit-account-create = Account created
audit-account-enable = Account enabled
audit-account-disable = Account disabled
audit-charter-import = New charter version
audit-domain-block = Domain blocked
audit-domain-unblock = Domain unblocked
audit-following-add = Follow added
audit-following-remove = Follow removed
audit-follower-approve = Follower approved
audit-follower-reject = Follower rejected
audit-instance-update = Instance settings changed
audit-instance-moderation-mail = Moderator mail setting changed
audit-password-reset = Password changed
audit-password-reset-requested = New password requested
audit-practice-adopt = Good practice adopted
audit-practice-unadopt = Adoption withdrawn
audit-practice-comment = Comment published
audit-practice-delete = Good practice deleted
audit-practice-propose = Good practice proposed
audit-practice-publish = Good practice published
audit-practice-unpublish = Good practice unpublished
audit-practice-pin = Good practice pinned
audit-practice-unpin = Good practice unpinned
audit-comment-hide = Comment hidden
audit-comment-show = Comment shown again
audit-signature-approve = Signature approved
audit-signature-reject = Signature rejected
audit-signature-edit = Signature corrected
audit-signature-view = Signature record viewed
audit-signature-export = Signature data downloaded
audit-signature-withdraw = Signature withdrawn
audit-signatures-export-contacts = Signatories' contacts exported
audit-territory-update = Territory changed
audit-territory-icon = Territory logo changed
audit-token-create = Access token created
audit-token-revoke = Access token revoked
dash-waiting = What waits for you
dash-signatures = { $count } signature(s) to approve or reject
dash-signatures-none = No signature waiting
dash-requests = { $count } follow request(s) to review
dash-requests-none = No follow request waiting
dash-health = Instance health
dash-followers = { $count } fediverse account(s) follow this territory
dash-queue = { $count } delivery(ies) to the fediverse queued
dash-failing = { $count } server(s) unreachable: deliveries resume when they answer
dash-failing-none = Every server contacted answers
dash-mail-each = Mail to moderators: for each confirmed signature
dash-mail-digest = Mail to moderators: one summary a day
dash-mail-never = Mail to moderators: never
dash-recent = Recent activity
dash-recent-none = Nothing yet.
dash-audit-link = The whole log
instance-moderation-mail = Tell moderators by mail when a signature waits
moderation-mail-each = For each confirmed signature
moderation-mail-digest = One summary a day
moderation-mail-never = Never
federation-intro = The territory's messages (new good practices, welcomes, replies) go to the fediverse servers of its followers. This page shows, server by server, what waits, what failed and what arrived.
federation-hosts = Deliveries per server
federation-empty = No delivery yet: nothing has gone to another server. Deliveries show up once a fediverse account follows the territory and something is published to it.
followers-empty-pending = No request waiting.
signatory-followers-pending = Follows of signatories waiting (limited domains)
signatory-follow-signatory = Signatory
followers-empty = Nobody follows this territory from the fediverse yet. Share its address (territory page) so that Mastodon and other accounts can follow it.
practice-status-all = All
practices-search-hint = title, summary or town
practices-admin-empty = No good practice matches. "New good practice" starts one.
bulk-check-all = Tick all
admin-edit-title = Correct the signature of { $name }
admin-edit-intro = You are correcting this signature at the request of the person who made it (right to rectification). What you save replaces what they entered; the change is recorded in the log.
admin-edit-back = Back to the record
dash-drafts = { $count } good practice draft(s), proposals included, to review and publish
dash-drafts-none = No good practice draft
audit-search-hint = a name, an action ("rejected"), an account…
audit-kind = Subject
audit-kind-all = Everything
audit-kind-signatures = Signatures
audit-kind-practices = Good practices and comments
audit-kind-network = Follows and domains
audit-kind-accounts = Accounts and logins
audit-kind-settings = Territory, instance and charter
audit-field-discoverable = Listed in fediverse directories

## Change of address on the private page (issue 10)
audit-signature-email = Signature's address changed (by its holder)
manage-email-pending = Your new address will be used once you have opened the link we just sent to it (valid { $hours } hours). Your other changes are saved.
email-change-mail-subject = Confirm your new address — { $territory }
email-change-mail-body = Hello,

    Someone (probably you) asked that your signature of the Circuits Courts Économiques et Solidaires charter, with the territory { $territory }, use this address from now on.

    To confirm, open this link (valid { $hours } hours):
    { $link }

    If you did not ask for this, ignore this message: nothing will change.
email-change-done = Your new address is saved for your signature.
email-change-invalid = This link is no longer valid (already used or too old). You can ask again from your private page.
email-change-taken = This address is already that of another signature in this territory: it was not changed.

## Confirmations of destructive console actions
confirm-reject-follower = Reject this follow request? They will not receive the territory's news.
confirm-reject-signatory-follower = Reject this follow? The account will not receive this signatory's news.
confirm-unfollow = Stop following this account? Its good practices will no longer arrive.
confirm-account-toggle = Change this account's access? A disabled account can no longer log in.

# --- actions (issue 12) ---
action-participants = Participants
action-places-left = places left:
action-map = Map
action-online = Online
action-add-to-calendar = Add to my calendar (.ics)
action-agenda = Agenda
action-status-scheduled = Scheduled
action-status-tentative = To be confirmed
action-status-cancelled = Cancelled
action-status-postponed = Postponed

## Instance-to-instance subscriptions and relays (issue 13, point 7)
admin-subscriptions = Instance subscriptions
subscriptions-intro = An observatory subscribes to whole instances: every territory of the instance followed, including those created later, sends it its public practices and actions.
subscriptions-ours = Our subscriptions (instances, relays)
subscriptions-empty = No subscription.
subscription-actor = Actor
subscription-kind = Kind
subscription-instance = Instance
subscription-relay = Relay
unsubscribe = Unsubscribe
confirm-unsubscribe = Unsubscribe? What was received stays; nothing new will arrive.
subscribers-pending = Instances waiting for approval
subscribers-accepted = Instances subscribed to ours
subscribers-empty = No instance.
confirm-reject-subscriber = Refuse this instance's subscription?
learned-territories = Territories known through subscriptions
learned-empty = No territory yet.
learned-territory = Territory
learned-via = Received through
subscribe-title = Subscribe to an instance
subscribe-target = Instance address (https://other.example)
subscribe-submit = Subscribe
relay-add-title = Add a relay
relay-url = Relay actor (https://relay.example/actor)
relay-add-submit = Follow the relay
subscribe-failed = Could not subscribe: { $reason }
subscribe-empty-target = Give an address.
audit-subscription-add = Subscribed to an instance or a relay
audit-subscription-remove = Unsubscribed from an instance or a relay
audit-subscriber-approve = Instance subscription approved
audit-subscriber-reject = Instance subscription refused

# --- backups (issue 15) ---
backup-title = Backups
backup-schedule = Schedule
backup-none-scheduled = No backup scheduled (setting backup_interval_hours; see docs/admin.md).
backup-every = Every { $hours } hours, the last { $keep } kept in { $dir }
backup-last = Last backup
backup-last-value = { $when }: { $file } ({ $size })
backup-next = Next backup
backup-failures = Failures
backup-no-failure = None since the last successful backup.
backup-failures-value = { $count } failure(s) since the last successful backup; the latest { $when }: { $error }

## Announcements (annonces, issue 12)
announcements-title = Announcements
announcements-latest = Latest announcements
announcements-all = All announcements
announcements-feed = Atom feed of announcements
announcements-none = No announcement yet.
announcements-followed = From the territories it follows
announcements-from = From {$name}
announcements-pages = Pages of announcements
announcements-newer = Newer
announcements-older = Older
announcement-untitled = Announcement
announcement-draft = Draft: only moderators see it.
announcement-likes = Likes:
announcement-comments = Comments
announcement-no-comments = No comment yet. You can reply from Mastodon, Lemmy or another fediverse server.
announcement-comment-hide = Hide
announcement-comment-show = Show
announcement-new-title = New announcement
announcement-edit-title = Edit the announcement
announcement-delete-title = Delete the announcement
announcement-delete-question = Delete this announcement?
announcement-delete-published = It is published: followers on the fediverse will be told it is deleted.
announcement-delete-confirm = Delete
announcement-field-title = Title (optional)
announcement-field-text = Text
announcement-field-link = Link (optional)
announcement-field-image = Image (PNG, JPEG, WebP or GIF, at most { $max })
announcement-remove-image = Remove the image
announcement-field-alt = Image description
announcement-alt-hint = Required with an image: what someone looking at it sees, for those who cannot.
announcement-field-tags = Hashtags (separated by spaces)
announcement-field-status = Publication
announcement-status-published = Publish now
announcement-status-draft = Draft
announcement-save = Save
announcement-image-too-large = This file is too large.
announcement-image-invalid = This file is not a readable PNG, JPEG, WebP or GIF image.
## Observatory (issue 13)
nav-observatory = Observatory
indicator-reference = Reference indicator
indicator-free = Free indicator
indicator-unknown-reference = This reference indicator does not exist for this dimension.
indicator-unit-mismatch = The unit must be the reference indicator's.
indicator-out-of-range = This value is outside the reference indicator's plausible range.
indicator-period-invalid = Unreadable period: write 2025, 2025-03, 2025-Q1, 2025-S1 or 2024-2025.
obs-title = CCES observatory
obs-title-territory = Observatory — { $name }
obs-intro = Every figure says which territories and which practices or actions it comes from. Figures are recomputed as soon as data changes.
obs-scope = Scope:
obs-scope-territoire = This territory
obs-scope-instance = This instance
obs-scope-reseau = The network
obs-origins = Territories counted
obs-origin-local = on this instance
obs-origin-remote = followed territory
obs-received = received on { $date }
obs-empty = No territory in this scope yet.
obs-evolution = Month by month
obs-evolution-desc = Practices published per month; the table also gives signatories and actions.
obs-evolution-table = Signatories, practices and actions per month
obs-month = Month
obs-signatories = Signatories
obs-practices = Practices
obs-actions = Actions
obs-category = Category
obs-value = Value
obs-from = Where this figure comes from
obs-more = and { $count } more
obs-catalogue = see them in the catalogue
obs-indicators = Reference indicators
obs-indicators-hint = Summed or averaged as their definition says, per period.
obs-indicators-empty = No published practice gives a reference indicator yet.
obs-vocabulary = The list of reference indicators
obs-period-unsaid = not given
obs-aggregation-sum = sum
obs-aggregation-mean = mean
obs-aggregation-share = mean share
obs-open-data = Open data:
obs-signatories-kind = Signatories by kind
obs-signatories-kind-desc = Approved signatories, people and structures.
obs-signatories-role = Signatories by role
obs-signatories-role-desc = Roles given by signing people.
obs-signatories-domain = Structures by domain
obs-signatories-domain-desc = Domains of activity given by signing structures.
obs-signatories-legal_form = Structures by legal form
obs-signatories-legal_form-desc = Legal forms of signing structures.
obs-signatories-commune = Signatories by commune
obs-signatories-commune-desc = Communes of signatories (the fifteen largest).
obs-practices-published = Practices published
obs-practices-published-desc = Good practices published.
obs-practices-domain = Practices by domain
obs-practices-domain-desc = Published good practices, by domain of activity.
obs-practices-dimension = Practices by dimension
obs-practices-dimension-desc = Published good practices, by dimension of added value documented.
obs-actions-held = Actions held
obs-actions-held-desc = Shared actions published and not cancelled.
obs-actions-participants = Action participants
obs-actions-participants-desc = Accepted participants of shared actions.

# --- agenda (issue 12, point 4) ---
agenda-subscribe = Subscribe to this agenda in a calendar application:
agenda-webcal = subscription (webcal)
agenda-ics = iCalendar file (.ics)
agenda-views = Agenda views
agenda-upcoming = Upcoming
agenda-past = Past
agenda-month = Month
agenda-months = Months
agenda-month-prev = ← Previous month
agenda-month-next = Next month →
agenda-empty-month = No action this month.
agenda-join-mode = Registration
agenda-count = { $count ->
    [0] No action found.
    [one] { $count } action
   *[other] { $count } actions
}
agenda-day-mon = Monday
agenda-day-tue = Tuesday
agenda-day-wed = Wednesday
agenda-day-thu = Thursday
agenda-day-fri = Friday
agenda-day-sat = Saturday
agenda-day-sun = Sunday
action-join-mode-free = Open
action-join-mode-approval = On approval
action-join-mode-external = On another site
action-join-mode-none = No registration

# --- action page and joining from it (issue 12, points 4 and 6) ---
action-when = When
action-where = Where
action-map-link = See on the map (OpenStreetMap)
action-organisers = Organised by
action-practices = Linked good practices
action-participant-count = { $count ->
    [0] No participant yet
    [one] { $count } participant
   *[other] { $count } participants
}
action-tentative-count = { $count ->
    [one] { $count } person maybe (on the fediverse)
   *[other] { $count } people maybe (on the fediverse)
}
evaluation-title = Outcome
evaluation-by = Evaluation by
evaluation-participants = { $count ->
    [one] { $count } person took part
   *[other] { $count } people took part
}
evaluation-structures = Structures involved:
feedback-title = What participants said
feedback-ratings = Ratings given
feedback-answers = { $count ->
    [one] { $count } answer
   *[other] { $count } answers
}
feedback-form-title = Your feedback on the action
feedback-form-intro = The action took place: tell us what you thought of it. Your text stays private (the organisers read it); only the rating counts in the public summary.
feedback-rating = Your rating
feedback-rating-value = { $n } out of 5
feedback-comment = In a few words (optional)
feedback-submit = Send my feedback
feedback-thanks = Thank you for your feedback!
feedback-not-open = Feedback can be given once the action has ended, if it was not cancelled.
action-remaining = { $count ->
    [0] full
    [one] { $count } place left
   *[other] { $count } places left
}
join-title = Take part
join-approval = The organisers approve each registration: you will get their answer.
join-name = Your name
join-email = Your email address
join-email-hint = To confirm your registration and let you cancel it. Never published; only the number of participants is public.
join-submit = I'll be there
join-fediverse-title = From the fediverse
join-mobilizon = Have a Mobilizon or Maillage account? Enter it: your server will show you the action so you can join it.
join-handle = Your account (name@server)
join-remote-submit = Continue on my server
join-handle-unknown = This account was not found, or its server offers no remote interaction.
join-mastodon = On Mastodon or GoToSocial (which cannot join events), paste this address in the search to see the action, share it or reply:
join-page-address = Address of the action
join-full = This action is full: no place left.
join-closed-cancelled = This action is cancelled: registrations are closed.
join-closed-ended = This action has ended.
join-external = Register on the organisers' site
join-none = No registration: just come.
join-sent = Thank you! A message is on its way to your address: open the link in it to confirm your participation.
join-throttled = Too many registrations from your connection. Please try again in an hour.
join-confirmed = Your participation is confirmed. See you soon!
join-held = Your address is confirmed. The organisers approve registrations: you will get their answer.
join-link-invalid = This link is no longer valid (already used, too old or cancelled).
join-manage-title = Your participation
join-state-accepted = Your participation is confirmed.
join-state-pending = Your registration awaits the organisers' approval.
join-state-unconfirmed = Your registration is not confirmed yet.
join-cancel-intro = Can't come any more? Cancel your participation: your place is freed and your name and address erased.
join-cancel = Cancel my participation
join-cancelled = Your participation is cancelled; your name and address are erased.
join-mail-subject = Confirm your participation: { $title }
join-mail-body = Hello { $name },

    you registered for "{ $title }" ({ $page }).
    To confirm your participation, open this link (valid { $hours } hours):
    { $confirm }

    To cancel your participation at any time, keep this private link:
    { $manage }
join-again-mail-subject = Your participation: { $title }
join-again-mail-body = Hello { $name },

    someone (probably you) asked again to take part in "{ $title }" ({ $page })
    with this address, which is already registered. Nothing changed.
    To cancel your participation, here is a new private link:
    { $manage }
participant-cancelled-mail-subject = Cancelled: { $title }
participant-cancelled-mail-body = Hello { $name },

    the organisers cancelled "{ $title }" ({ $when }), for which you registered.
    { $page }
participant-moved-mail-subject = New dates: { $title }
participant-moved-mail-body = Hello { $name },

    "{ $title }", for which you registered, moves: { $when }.
    { $page }
participant-approved-mail-subject = Registration accepted: { $title }
participant-approved-mail-body = Hello { $name },

    the organisers accepted your registration for "{ $title }". See you soon!
    { $page }
participant-declined-mail-subject = Registration declined: { $title }
participant-declined-mail-body = Hello { $name },

    the organisers could not accept your registration for "{ $title }".
    Your name and address are erased.
    { $page }
## Reports and moderation log (issue 15)
report-title = Report content
report-intro = Tell the moderators what is wrong. Your report is never published; your address, if you give it, is only used to answer you.
report-about = Reported content
report-reason = Reason
report-email = Your email address (optional)
report-email-hint = Only moderators see it; it is neither published nor passed on.
report-send = Send the report
report-thanks = Thank you: the moderators will look at your report.
report-too-many = Too many reports from this address: try again in an hour.
report-target-unknown = This content cannot be found on this instance.
report-link = Report
report-kind-comment = Comment
report-kind-practice = Practice
report-kind-announcement = Announcement
report-kind-action = Action
report-kind-actor = Account
report-kind-domain = Domain
report-source-web = Page
report-source-api = API
report-source-federation = Fediverse
reports-title = Reports
reports-open = Open
reports-resolved = Resolved
reports-none = No report.
reports-source = Source
reports-status = Status
reports-status-open = Open
reports-status-resolved = Resolved
reports-snapshot = The content as it was when reported
reports-decision = Decision
reports-decision-hide_comment = Hide the comment
reports-decision-unpublish = Unpublish
reports-decision-block_actor = Block this account for the territory
reports-decision-block_domain = Block the whole domain
reports-decision-dismiss = Dismiss
reports-public-reason = Reason published in the moderation log (no personal data)
reports-decide = Decide
reports-forward = Forward to the origin server
reports-forward-hint = The report goes to the origin server in the instance's name, never naming who reported.
reports-forward-comment = Comment forwarded
reports-forwarded = Forwarded
reports-public-kinds = Decisions published in the moderation log
modlog-title = Moderation log
modlog-intro = Every moderation decision, with its date, kind, target and reason. Who reported never appears.
modlog-empty = No decision yet.
modlog-date = Date
modlog-kind = Decision
modlog-target = Target
modlog-reason = Reason
modlog-author = Moderation
modlog-kind-hide_comment = Comment hidden
modlog-kind-unpublish = Content unpublished
modlog-kind-block_actor = Account blocked
modlog-kind-block_domain = Domain blocked
modlog-kind-limit_domain = Domain limited
modlog-kind-dismiss = Report dismissed
reports-mail-subject = Reports to review: { $count }
reports-mail-body = Hello,

    A new report arrived; { $count } report(s) wait for your decision:
    { $list }
    You receive this message because you moderate this instance (setting: Administration → Instance).
blocks-export = Export the domain blocks (Mastodon's CSV)
blocks-import = Import domain blocks (Mastodon's CSV, pasted here)
blocks-import-submit = Import

## Map of the observatory (issue 13 point 6)
map-title = Map
map-title-territory = Map — { $name }
map-intro = Signatories listed in the directory (at the centre of their commune, never at their address), published good practices and actions.
map-label = Interactive map of signatories, practices and actions
map-layer-signataires = Signatories
map-layer-pratiques = Good practices
map-layer-actions = Actions
map-kind-individual = Person
map-kind-structure = Structure
map-kind-practice = Good practice
map-kind-action = Action
map-list = List of places
map-empty = Nothing to place yet.
map-open-data = Data (GeoJSON):
map-observatory = Back to the observatory
map-link = See the map

# --- co-organisation and evaluation of actions (issue 12, points 7 and 8) ---
evaluation-before-end = An action is evaluated once it has ended.
evaluation-unknown-dimension = Each indicator belongs to one of the four dimensions: social, economic, territorial, environmental.
coorganizer-practical-only = A co-organising territory changes only the practical details: place, times, capacity, online link.
admin-invitations = Co-organisation
invitations-received = Invitations to co-organise, awaiting an answer
invitations-in-force = Co-organisations in force and invitations sent
invitations-empty = None.
invitation-action = Action
invitation-territory = Territory
invitation-pending = Pending
invitation-accepted = Accepted
invitation-declined = Declined
invitation-withdrawn = Withdrawn
invitation-withdraw = Withdraw
confirm-invitation-withdraw = End this co-organisation? The other territory will be told.

## Held registrations to actions (agenda2)
admin-held = Held registrations
held-intro = Actions taking registrations on approval: the people below wait for your decision. Approved, they count and are told (mail or Accept); declined, they are told and erased.
held-none = No registration waiting.
held-who = Person
held-web = (from the page)
held-fediverse = (fediverse)
held-approved = { $count ->
    [one] One registration approved.
   *[other] { $count } registrations approved.
}
held-declined = { $count ->
    [one] One registration declined.
   *[other] { $count } registrations declined.
}
held-skipped = { $count ->
    [one] One registration could not be handled (no longer waiting, or no place left).
   *[other] { $count } registrations could not be handled (no longer waiting, or no place left).
}

# Console: mapping free indicators to reference ones (issue 13, point 1)
admin-indicators = Free indicators
indicators-intro = Some practices give free indicators; mapping one to a reference indicator counts it in the observatory, for practices already published and later ones (received ones too).
indicators-free = Free indicators in use
indicators-empty = No free indicator: every one given is a reference indicator.
indicator-label = Label
indicator-dimension = Dimension
indicator-practices = Practices
mapping-title = Map a free indicator
mapping-submit = Map
mapping-label-invalid = Give the free indicator's label, as the list shows it.
mapping-unknown-reference = Choose an indicator of the reference list.
mapping-unit-mismatch = The unit does not match the reference indicator's unit.

# The map's scope (issue 13, point 4)
map-scope-local = Here
map-scope-network = With the territories followed
export-geojson = Export (GeoJSON: signatories per commune)
