skip = Skip to content
nav-home = Home
nav-about = About
nav-admin = Administration
nav-login = Log in
nav-logout = Log out
lang-switch = Language
footer = Maillage { $version } — free software (AGPL-3.0-or-later)
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
about-software = Software
about-version = Version
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
field-icon = Logo or picture (PNG, JPEG, WebP or GIF, at most 1 MiB)
upload = Upload the picture
save = Save
icon-invalid = This file is not a PNG, JPEG, WebP or GIF image.
icon-too-large = The picture is larger than 1 MiB.
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
sign-individual = For a person
sign-structure = For an organisation
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
sign-sent = Thank you! We sent you a message: open its link to confirm your signature.
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
directory-filter = Filter
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
confirm-mail-subject = Confirm your signature of the CCES charter
confirm-mail-body = Hello,

    Thank you for signing the charter of Circuits Courts Économiques et Solidaires.
    To confirm your signature, open this link (valid for { $hours } hours):
    { $confirm }

    To view, change or withdraw your signature at any time, keep this link private:
    { $manage }
already-signed-mail-subject = Your signature of the CCES charter
already-signed-mail-body = Hello,

    Someone (probably you) tried to sign the charter of Circuits Courts Économiques et
    Solidaires with this address, which has already signed it: nothing has changed.
    To view, change or withdraw your signature, keep this link private:
    { $manage }

    If this was not you, you can ignore this message.
approved-mail-subject = Your signature of the CCES charter is approved
approved-mail-body = Hello,

    Your signature of the charter has been approved. Thank you for your commitment!
rejected-mail-subject = Your signature of the CCES charter was not accepted
rejected-mail-body = Hello,

    Your signature of the charter was not accepted, for this reason:
    { $reason }
field-welcome = Welcome new signatories on the fediverse
welcome-note = Welcome to { $name } ({ $commune }), who just signed the charter of Circuits Courts Économiques et Solidaires!
manage-title = My signature
manage-intro = Here is everything this territory keeps about you. You can change it, export it or withdraw your signature.
manage-export = Export my data (JSON)
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
comments-how = To comment, reply to this good practice from your Mastodon or Lemmy account, or from your Maillage territory.
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
signature-status-confirmed = Waiting for a decision
signature-status-approved = Approved
signature-status-rejected = Rejected
signature-status-all = All
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
