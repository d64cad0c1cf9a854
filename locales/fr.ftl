skip = Aller au contenu
nav-home = Accueil
nav-about = À propos
nav-admin = Administration
nav-login = Connexion
nav-logout = Déconnexion
lang-switch = Langue
footer = Propulsé par Maillage { $version }, logiciel libre (AGPL-3.0-or-later)
home-title = Territoires de cette instance
territory-follow-title = Suivre depuis le fédiverse
territory-handle-help = Cherchez cette adresse dans votre application (Mastodon, Lemmy, Mobilizon…) :
copy = Copier
copied = Copié
remote-follow-label = Votre adresse ou votre instance
remote-follow-hint = Par exemple : alice@mastodon.example ou mastodon.example
remote-follow-submit = Suivre
remote-follow-error = Impossible de trouver votre instance : vérifiez l'adresse.
perimeter = Périmètre
domains = Domaines d'activité
followers-label = { $count ->
    [one] abonné·e
   *[other] abonné·es
}
following-label = { $count ->
    [one] abonnement
   *[other] abonnements
}
domain-energie = Énergie
domain-finance = Finance
domain-habitat = Habitat
domain-culture = Culture
domain-alimentation = Alimentation
domain-commerce = Commerce
domain-mobilite = Mobilité
domain-autre = Autre
about-title = À propos de cette instance
about-contact = Contact
about-rules = Règles
about-no-rules = Aucune règle publiée.
about-no-contact = Non renseigné
about-territories = Territoires
about-updated = Mis à jour le { $date }
error-not-found = Page introuvable
error-not-found-text = Cette adresse ne correspond à aucune page.
error-server = Erreur du serveur
error-server-text = Une erreur est survenue ; réessayez plus tard.
error-forbidden = Accès refusé
error-forbidden-text = Vous n'avez pas les droits pour cette page, ou le formulaire a expiré : rechargez la page.
error-other = Requête refusée
back-home = Retour à l'accueil
login-title = Connexion
email = Adresse électronique
password = Mot de passe
login-submit = Se connecter
login-failed = Adresse ou mot de passe incorrect.
login-throttled = Trop de tentatives : réessayez dans quelques minutes.
forgot-link = Mot de passe oublié ?
forgot-title = Réinitialiser le mot de passe
forgot-submit = Envoyer le lien
forgot-sent = Si un compte correspond à cette adresse, un lien de réinitialisation vient d'être envoyé.
reset-title = Nouveau mot de passe
reset-submit = Enregistrer
reset-invalid = Ce lien n'est plus valable. Demandez-en un nouveau.
reset-done = Mot de passe modifié. Vous pouvez vous connecter.
reset-mail-subject = Réinitialisation de votre mot de passe Maillage
reset-mail-body = Bonjour,

    Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :
    { $link }

    Si vous n'avez rien demandé, ignorez ce message.
password-too-short = Au moins 10 caractères.
password-too-long = Au plus 200 caractères.
admin-title = Administration
admin-territory = Territoire
admin-followers = Abonné·es
admin-following = Abonnements
admin-domains = Domaines bloqués
admin-accounts = Comptes
admin-audit = Journal
admin-federation = Fédération
admin-instance = Instance
admin-welcome = Connecté·e en tant que { $email } ({ $role }).
saved = Modifications enregistrées.
field-name = Nom
field-summary = Présentation
field-perimeter = Périmètre (communes, pays, département…)
field-domains = Domaines d'activité
field-manual = Valider chaque nouvel abonnement
field-icon = Logo ou image (PNG, JPEG, WebP ou GIF, { $max } au plus)
upload = Envoyer l'image
save = Enregistrer
icon-invalid = Ce fichier n'est pas une image PNG, JPEG, WebP ou GIF.
icon-too-large = L'image dépasse { $max }. Réduisez-la (par exemple à 512 × 512 pixels) puis envoyez-la de nouveau.
name-invalid = Le nom doit faire entre 1 et 200 caractères.
summary-invalid = La présentation fait au plus 5000 caractères.
perimeter-invalid = Le périmètre fait au plus 500 caractères.
error-summary = Le formulaire contient des erreurs.
pending = En attente
accepted = Acceptés
approve = Accepter
reject = Refuser
none = Aucun.
follow-remote-title = Suivre un autre territoire
follow-handle = Adresse (nom@instance)
follow-submit = Suivre
follow-failed = Impossible de suivre ce compte : { $reason }
follow-sent = Demande d'abonnement envoyée.
unfollow = Ne plus suivre
domain = Domaine
reason = Motif
block = Bloquer
unblock = Débloquer
domain-severity = Sévérité
domain-severity-suspend = Bloqué
domain-severity-limit = Limité (abonnements à approuver, absent des listes publiques)
domain-severity-noop = Noté (sans effet)
domain-invalid = Indiquez un nom de domaine, par exemple spam.example.
role = Rôle
role-admin = Administrateur·ice
role-moderator = Modérateur·ice
create-account = Créer le compte
disable = Désactiver
enable = Réactiver
disabled = désactivé
when = Date
who = Qui
what = Action
detail = Détail
host = Hôte
queue-pending = En file
queue-failed = Échecs
queue-done = Livrés
last-success = Dernier succès
unreachable = Injoignable depuis
instance-contact = Adresse de contact
instance-rules = Règles de l'instance
email-invalid = Adresse électronique invalide.
account-exists = Un compte existe déjà avec cette adresse.
state = État
charter-title = La charte
charter-versions = Versions de la charte
charter-version = Version { $version }
charter-missing = La charte de ce territoire n'est pas encore publiée.
sign-title = Signer la charte
sign-intro = Signez en votre nom propre ou au nom de votre structure. Vos coordonnées restent privées : seuls le nom, la commune, les rôles ou domaines et le site web peuvent apparaître dans l'annuaire.
sign-link = Signer la charte
sign-kind = Je signe
kind-individual = En mon nom propre
kind-structure = Au nom de ma structure
field-signatory-name = Nom (le vôtre, ou celui de la structure)
field-commune = Commune
field-roles = En tant que
field-legal-form = Forme juridique
field-website = Site web
field-representative-name = Nom de la personne qui représente la structure
field-representative-role = Sa fonction
field-governance = Gouvernance (en quelques mots)
field-partners = Partenaires
field-contact = Coordonnées (privées)
field-phone = Téléphone (facultatif)
field-postal-address = Adresse postale (facultatif)
field-listed = Apparaître dans l'annuaire public
field-consent = J'ai lu la charte (version { $version }) et je m'engage à la respecter.
field-nickname = Ne pas remplir
sign-submit = Signer
sign-sent = Merci ! Un message vient de vous être envoyé : ouvrez le lien qu'il contient pour confirmer votre signature. Vous ne le voyez pas ? Regardez dans les courriers indésirables.
sign-confirmed = Votre signature est confirmée. Elle sera publiée après validation par l'équipe du territoire.
sign-confirm-invalid = Ce lien de confirmation n'est plus valable (déjà utilisé ou expiré).
field-required = Ce champ est obligatoire.
field-too-long = Ce texte est trop long.
field-invalid = Valeur non reconnue.
consent-required = Cochez la case pour signer.
charter-outdated = La charte a changé : relisez la version actuelle avant de signer.
email-taken = Une signature existe déjà avec cette adresse pour ce territoire.
sign-throttled = Trop de signatures depuis votre connexion : réessayez plus tard.
role-citoyen = Citoyen·ne
role-consommateur = Consommateur·ice
role-producteur = Producteur·ice
role-salarie = Salarié·e
role-usager = Usager·e
role-distributeur = Distributeur·ice
role-autre = Autre
legal-association = Association
legal-cooperative = Coopérative (SCOP, SCIC…)
legal-entreprise = Entreprise
legal-collectivite = Collectivité
legal-autre = Autre
directory-title = Annuaire des signataires
directory-filter = Afficher
directory-empty = Aucun signataire ne correspond.
all = Tous
signatories-label = { $count ->
    [one] signataire
   *[other] signataires
}
admin-signatures = Signatures
reject-reason = Motif du refus
export-csv = Exporter (CSV)
export-json = Exporter (JSON)
export-contacts = Exporter avec les coordonnées (CSV, administrateurs)
confirm-mail-subject = Confirmez votre signature de la charte CCES — { $territory }
confirm-mail-body = Bonjour,

    vous avez signé la charte des Circuits Courts Économiques et Solidaires (version { $version })
    du territoire { $territory }. Merci !
    Pour confirmer votre signature, ouvrez ce lien (valable { $hours } heures) :
    { $confirm }

    Pour consulter, modifier ou retirer votre signature à tout moment, gardez ce lien privé :
    { $manage }
already-signed-mail-subject = Votre signature de la charte CCES — { $territory }
already-signed-mail-body = Bonjour,

    quelqu'un (sans doute vous) a voulu signer la charte des Circuits Courts Économiques et
    Solidaires du territoire { $territory } avec cette adresse, qui l'a déjà signée : rien n'a changé.
    Pour consulter, modifier ou retirer votre signature, gardez ce lien privé :
    { $manage }

    Si ce n'était pas vous, vous pouvez ignorer ce message.
approved-mail-subject = Votre signature de la charte CCES est acceptée — { $territory }
approved-mail-body = Bonjour,

    vous avez signé la charte des Circuits Courts Économiques et Solidaires du territoire
    { $territory } : l'équipe du territoire a accepté votre signature. Merci pour votre engagement !

    L'annuaire des signataires du territoire :
    { $directory }
rejected-mail-subject = Votre signature de la charte CCES n'a pas été retenue — { $territory }
rejected-mail-body = Bonjour,

    vous avez signé la charte des Circuits Courts Économiques et Solidaires du territoire
    { $territory } : l'équipe du territoire n'a pas retenu votre signature, pour le motif suivant :
    { $reason }
field-welcome = Souhaiter la bienvenue aux nouveaux signataires sur le fédiverse
welcome-note = Bienvenue à { $name } ({ $commune }), qui vient de signer la charte des Circuits Courts Économiques et Solidaires !
manage-title = Ma signature
manage-intro = Voici tout ce que ce territoire conserve sur vous. Vous pouvez le modifier, le télécharger ou retirer votre signature.
manage-export = Télécharger toutes mes données
manage-withdraw = Retirer ma signature
manage-withdraw-confirm = Je retire ma signature : mes données personnelles seront effacées.
manage-withdrawn = Votre signature est retirée et vos données personnelles sont effacées.
manage-invalid = Ce lien de gestion n'est pas (ou plus) valable.
manage-saved = Vos modifications sont enregistrées.
withdraw = Retirer
charter-import = Publier une nouvelle version
charter-version-label = Étiquette de version (par exemple 2025)
charter-content = Texte de la charte (Markdown)
indicator-not-a-number = Un indicateur a besoin d'une valeur numérique.

## Bonnes pratiques
practices-title = Bonnes pratiques
practices-intro = Les bonnes pratiques de ce territoire et des territoires qu'il suit : ce qu'elles apportent, comment elles sont mesurées, qui les a adoptées.
practice-new = Nouvelle bonne pratique
practice-edit = Modifier la bonne pratique
practice-form-intro = Le résumé doit se lire seul : c'est lui que voient les abonné·es sur Mastodon.
practices-search = Rechercher (les formes des mots sont reconnues : « circuits » trouve « circuit »)
practice-dimension = Valeur ajoutée
practice-territory = Territoire
practice-tags = Mots-clés
practice-tags-hint = Séparés par des virgules ; plusieurs mots forment un seul mot-dièse (« circuit court » → #CircuitCourt).
practice-remote = autre territoire
practices-count = { $count ->
    [0] Aucune bonne pratique trouvée.
    [one] { $count } bonne pratique
   *[other] { $count } bonnes pratiques
}
adopted-by = { $count ->
    [0] Pas encore adoptée par un autre territoire
    [one] Bonne pratique adoptée par { $count } territoire
   *[other] Bonne pratique adoptée par { $count } territoires
}
dimension-sociale = Sociale
dimension-economique = Économique
dimension-territoriale = Territoriale
dimension-environnementale = Environnementale
practice-from = Bonne pratique de
practice-origin-link = voir sur son territoire d'origine
practice-draft = brouillon
practice-added-value = Valeur ajoutée
practice-dimension-text = Ce qu'elle apporte
practice-indicators-label = Indicateurs
indicator-name = Indicateur
indicator-value = Valeur
indicator-unit = Unité
indicator-period = Période
practice-structures = Structures impliquées
practice-place = Lieu (coordonnées)
latitude = Latitude
longitude = Longitude
practice-licence = Licence
practice-updated = Mise à jour
practice-history = Historique des modifications
practice-field-title = Titre
practice-field-summary = Résumé (500 caractères au plus)
practice-summary-hint = Il doit se comprendre sans le reste : c'est ce que montrent Mastodon et les autres.
practice-field-body = Description
practice-body-hint = Markdown : **gras**, listes avec « - », titres avec « ## ».
likes-count = { $count ->
    [one] { $count } mention « j'aime »
   *[other] { $count } mentions « j'aime »
}
shares-count = { $count ->
    [one] { $count } partage
   *[other] { $count } partages
}
adoption-yours = Votre territoire a adopté cette bonne pratique
adoption-withdraw = Retirer l'adoption
adoption-note = Adopter cette bonne pratique : comment votre territoire l'a-t-il adaptée ?
adoption-note-hint = Quelques lignes, visibles par le territoire d'origine et vos abonné·es.
adoption-submit = Adopter
moderation = Modération
edit = Modifier
publish = Publier
practice-pin = Épingler au profil du territoire
practice-unpin = Désépingler
unpublish = Dépublier
delete = Supprimer
status = État
status-draft = Brouillon
status-published = Publiée
comments-title = Commentaires
comments-none = Pas encore de commentaire.
comments-how = Pour commenter, répondez à cette bonne pratique depuis votre compte Mastodon ou Lemmy, ou depuis votre propre territoire CCES.
comment-hidden = masqué
comment-hide = Masquer
comment-show = Afficher à nouveau
comment-write = Commenter au nom du territoire
comment-submit = Publier le commentaire
notice-comment-posted = Commentaire publié.
notice-comment-updated = Commentaire mis à jour.
notice-adopted = Adoption enregistrée et annoncée.
notice-unadopted = Adoption retirée.
notice-saved = Enregistré.
author-signatory = un·e signataire
author-remote = le territoire d'origine
author-moderation = l'équipe de modération
admin-practices = Bonnes pratiques
manage-practice = Proposer une bonne pratique
manage-practice-intro = Décrivez une bonne pratique : l'équipe de modération la relira avant de la publier.
manage-practice-sent = Merci ! Votre proposition est enregistrée comme brouillon ; l'équipe de modération la relira.
comment-length = Un commentaire fait entre 1 et 5 000 caractères.
search = Rechercher
filters = Filtres
manage-proposals = Vos propositions
manage-practice-edit = Modifier ma proposition
pages = Pages
page-prev = ← Page précédente
page-next = Page suivante →
change-created = création
change-published = publication
change-unpublished = retrait de la publication
change-no-change = enregistrement sans changement
change-remote-update = mise à jour par le territoire d'origine
change-title = titre
change-summary = résumé
change-body = description
change-domains = domaines
change-dimensions = valeur ajoutée et indicateurs
change-structures = structures
change-partners = partenaires
change-governance = gouvernance
change-commune = commune
change-latitude = latitude
change-longitude = longitude
change-tags = mots-clés
change-licence = licence
acting-territory = Au nom du territoire
practices-latest = Dernières bonnes pratiques
practices-all = Toutes les bonnes pratiques

## Formulaire des bonnes pratiques, recherche de lieux, réglages du territoire
notice-published = { $count ->
    [0] Publiée. Personne ne suit encore ce territoire sur le fédivers : elle est visible sur le site.
    [one] Publiée et envoyée à { $count } abonné·e.
   *[other] Publiée et envoyée à { $count } abonné·es.
}
practice-delete-title = Supprimer la bonne pratique
practice-delete-hint = La suppression est définitive : la fiche, ses commentaires et son historique disparaissent.
practice-delete-ask = Supprimer…
practice-delete-question = Supprimer définitivement « { $title } » ?
practice-delete-published = Elle est publiée : les serveurs abonnés seront prévenus de sa suppression.
practice-delete-confirm = Oui, supprimer définitivement
practice-delete-cancel = Annuler
number-invalid = Ce n’est pas un nombre. Écrivez par exemple 18 400,75 (sans unité : elle a son propre champ, « Unité »).
number-too-large = Ce nombre est trop grand.
indicators-check-values = Certaines valeurs d’indicateurs ne sont pas des nombres : voyez les messages à côté des champs.
indicators-hint = Une ligne par indicateur ; les lignes laissées vides sont ignorées. Les nombres s’écrivent comme d’habitude : 18 400,75.
indicator-add-row = Ajouter une ligne
indicator-example-sociale-name = Ex. : personnes accompagnées
indicator-example-sociale-value = 120
indicator-example-sociale-unit = personnes
indicator-example-sociale-period = 2025
indicator-example-economique-name = Ex. : part du prix revenant aux producteurs
indicator-example-economique-value = 62,5
indicator-example-economique-unit = %
indicator-example-economique-period = 2025
indicator-example-territoriale-name = Ex. : communes touchées
indicator-example-territoriale-value = 14
indicator-example-territoriale-unit = communes
indicator-example-territoriale-period = 2024-2025
indicator-example-environnementale-name = Ex. : déchets évités
indicator-example-environnementale-value = 18 400,75
indicator-example-environnementale-unit = kg
indicator-example-environnementale-period = par an
markdown-help-intro = Mise en forme :
markdown-help-bold = gras
markdown-help-italic = italique
markdown-help-link = lien
markdown-help-list = élément de liste
markdown-help-paragraphs = une ligne vide sépare deux paragraphes.
icon-current = Icône actuelle
icon-current-alt = Icône actuelle de { $name }
fediverse-address = Adresse sur le fédivers
fediverse-address-why = C’est l’adresse à laquelle on suit ce territoire depuis Mastodon ou un autre logiciel du fédivers (le réseau de sites qui se suivent entre eux). Elle ne change pas quand le nom change : les serveurs abonnés la connaissent, la changer les ferait perdre. Elle est choisie à la création du territoire (commande « maillage territory create ADRESSE NOM »).
place-search-hint = Tapez le nom de la commune ou son code postal, puis choisissez-la dans la liste : ses coordonnées sont remplies pour vous.
place-suggestions = Communes correspondantes
notice-practice-deleted = Bonne pratique supprimée.
## The signing journey (signing form, charter, private page, public wording)
field-choose-one = Choisissez au moins une case.
website-invalid = Indiquez une adresse de site, par exemple jardins-redon.fr.
required-legend = Les champs marqués d'un astérisque (*) sont obligatoires.
required-mark = obligatoire
error-summary-intro = Corrigez ces points, puis envoyez à nouveau le formulaire :
sign-for-individual = Si vous signez en votre nom propre
sign-for-structure = Si vous signez pour une structure
field-roles-hint = Cochez au moins une case.
field-domains-hint = Cochez au moins une case.
field-website-hint = Par exemple : jardins-redon.fr
field-consent-short = Engagement
field-email-hint = Pour confirmer votre signature : elle n'est jamais publiée.
manage-status = État de votre signature : { $status }
signature-status-unconfirmed = en attente de confirmation (ouvrez le lien reçu par courriel)
signature-status-confirmed = en attente de validation par l'équipe du territoire
signature-status-approved = acceptée
signature-status-rejected = refusée
signature-status-withdrawn = retirée
directory-kind = Personnes ou structures
directory-role = Rôle
territory-icon-alt = Logo de { $name }
followers-glossary = Abonné·es : les personnes qui suivent ce territoire depuis Mastodon ou un autre réseau du fédiverse, et reçoivent ses nouvelles dans leur fil. Abonnements : les comptes que ce territoire suit.
error-summary-item = { $field } : { $message }
sign-read-charter = Lire la charte avant de signer
field-roles-name = Vos rôles
directory-count-individual = { $count ->
    [one] personne
   *[other] personnes
}
directory-count-structure = { $count ->
    [one] structure
   *[other] structures
}
directory-kind-individual = Personnes
directory-kind-structure = Structures
field-listed-hint = Si vous cochez, votre nom et votre commune, avec vos rôles ou les domaines et le site web de la structure, seront visibles de tous après validation. Vos coordonnées, jamais.
## console du coordinateur
moderation-mail-subject = Une signature attend votre décision — { $territory }
moderation-mail-body = Bonjour,

    { $name } ({ $commune }) a signé la charte du territoire « { $territory } » et a confirmé son adresse. La signature attend votre décision (accepter ou refuser) :
    { $link }

    Signatures en attente pour ce territoire : { $count }
    Toutes les signatures : { $list }

    Vous recevez ce message parce que vous modérez ce territoire. Pour recevoir un résumé par jour ou plus rien, voyez Administration → Instance.
moderation-digest-subject = Signatures en attente de décision : { $count }
moderation-digest-body = Bonjour,

    Depuis le dernier résumé, { $count } signature(s) confirmée(s) attendent votre décision :
    { $lines }
    Vous recevez ce résumé une fois par jour parce que vous modérez ces territoires (réglage : Administration → Instance).
list-summary = { $total } résultat(s) — page { $page } sur { $pages }
pager-label = Pages de la liste
filter = Filtrer
select = Choisir
yes = Oui
no = Non
kilobytes = ko
signature-status = Statut
moderation-signature-status-confirmed = En attente de décision
moderation-signature-status-approved = Acceptée
moderation-signature-status-rejected = Refusée
moderation-signature-status-all = Toutes
moderation-signature-status-unconfirmed = Adresse pas encore confirmée
moderation-signature-status-withdrawn = Retirée
signature-as = Signe en tant que
signature-received = Reçue le
signature-decision = Décision
signature-details = (voir le détail)
signatures-search-hint = nom, commune ou adresse
signatures-empty = Aucune signature ne correspond. Les signatures apparaissent ici quand leur auteur a confirmé son adresse.
decided-approved = { $count ->
    [one] Signature acceptée : la personne est prévenue par courriel.
   *[other] { $count } signatures acceptées : les personnes sont prévenues par courriel.
}
decided-rejected = { $count ->
    [one] Signature refusée : la personne reçoit le motif par courriel.
   *[other] { $count } signatures refusées : les personnes reçoivent le motif par courriel.
}
decision-not-waiting = Cette signature n'attend plus de décision : quelqu'un l'a déjà traitée, ou elle a été retirée.
reject-reason-missing = Indiquez le motif du refus (1000 caractères au plus) : il est envoyé à la personne.
reject-reason-hint = Le motif est envoyé à la personne qui a signé.
bulk-hint = Cochez des signatures dans la liste, puis acceptez-les ou refusez-les toutes d'un coup.
bulk-reason = Motif du refus (pour les signatures cochées)
bulk-approve = Accepter la sélection
bulk-reject = Refuser la sélection
bulk-none-selected = Cochez au moins une signature dans la liste.
bulk-partly = { $done } signature(s) traitée(s) ; { $skipped } n'attendai(en)t plus de décision et n'ont pas changé.
back-to-signatures = Toutes les signatures
detail-title = Signature de { $name }
signature-decide = Décider
signature-facts = Ce que la personne a déclaré
detail-representative = Représentée par
detail-phone = Téléphone
detail-postal-address = Adresse postale
detail-listed = Veut apparaître dans l'annuaire public
detail-charter = Version de la charte signée
detail-signed-at = Signée le
detail-confirmed-at = Adresse confirmée le
detail-decided-at = Décision prise le
signature-on-request = À la demande de la personne
signature-on-request-hint = Pour répondre à une demande d'accès, de rectification ou d'effacement de ses données.
signature-json = Télécharger ses données (fichier JSON)
signature-edit = Corriger ses informations
signature-withdraw-open = Retirer cette signature…
signature-withdraw-confirm = Retirer définitivement la signature et effacer les données personnelles
audit-intro = Ce que les comptes de la console ont fait, du plus récent au plus ancien. Les heures sont celles du fuseau de l'instance ({ $zone }).
audit-show-routine = Montrer aussi les connexions et les consultations de fiches
audit-empty = Rien à afficher pour cette recherche.
audit-signature-gone = signature n° { $id } (retirée, données effacées)
audit-practice-gone = bonne pratique n° { $id } (supprimée)
audit-login = Connexion
audit-account-create = Compte créé
audit-account-enable = Compte réactivé
audit-account-disable = Compte désactivé
audit-charter-import = Nouvelle version de la charte
audit-domain-block = Domaine bloqué
audit-domain-unblock = Domaine débloqué
audit-following-add = Abonnement ajouté
audit-following-remove = Abonnement retiré
audit-follower-approve = Abonnement accepté
audit-follower-reject = Abonnement refusé
audit-instance-update = Réglages de l'instance modifiés
audit-instance-moderation-mail = Courriels aux modérateur·ices modifiés
audit-password-reset = Mot de passe changé
audit-password-reset-requested = Nouveau mot de passe demandé
audit-practice-adopt = Bonne pratique adoptée
audit-practice-unadopt = Adoption retirée
audit-practice-comment = Commentaire publié
audit-practice-delete = Bonne pratique supprimée
audit-practice-propose = Bonne pratique proposée
audit-practice-publish = Bonne pratique publiée
audit-practice-unpublish = Bonne pratique retirée de la publication
audit-practice-pin = Bonne pratique épinglée
audit-practice-unpin = Bonne pratique désépinglée
audit-comment-hide = Commentaire masqué
audit-comment-show = Commentaire rétabli
audit-signature-approve = Signature acceptée
audit-signature-reject = Signature refusée
audit-signature-edit = Signature corrigée
audit-signature-view = Fiche de signature consultée
audit-signature-export = Données d'une signature téléchargées
audit-signature-withdraw = Signature retirée
audit-signatures-export-contacts = Coordonnées des signataires exportées
audit-territory-update = Territoire modifié
audit-territory-icon = Logo du territoire changé
audit-token-create = Jeton d'accès créé
audit-token-revoke = Jeton d'accès révoqué
dash-waiting = Ce qui vous attend
dash-signatures = { $count } signature(s) à accepter ou refuser
dash-signatures-none = Aucune signature en attente
dash-requests = { $count } demande(s) d'abonnement à examiner
dash-requests-none = Aucune demande d'abonnement en attente
dash-health = État de l'instance
dash-followers = { $count } compte(s) du fédivers suivent ce territoire
dash-queue = { $count } envoi(s) vers le fédivers en file d'attente
dash-failing = { $count } serveur(s) injoignable(s) : les envois reprendront quand ils répondront
dash-failing-none = Tous les serveurs contactés répondent
dash-mail-each = Courriel aux modérateur·ices : à chaque signature confirmée
dash-mail-digest = Courriel aux modérateur·ices : un résumé par jour
dash-mail-never = Courriel aux modérateur·ices : jamais
dash-recent = Activité récente
dash-recent-none = Rien pour l'instant.
dash-audit-link = Tout le journal
instance-moderation-mail = Prévenir les modérateur·ices par courriel quand une signature attend
moderation-mail-each = À chaque signature confirmée
moderation-mail-digest = Un résumé par jour
moderation-mail-never = Jamais
federation-intro = Les messages du territoire (nouvelles bonnes pratiques, bienvenues, réponses) partent vers les serveurs du fédivers de ses abonné·es. Cette page montre, serveur par serveur, ce qui attend, ce qui a échoué et ce qui est arrivé.
federation-hosts = Envois par serveur
federation-empty = Aucun envoi pour l'instant : rien n'est encore parti vers un autre serveur. Les envois apparaissent dès qu'un compte du fédivers suit le territoire et qu'une publication lui est adressée.
followers-empty-pending = Aucune demande en attente.
signatory-followers-pending = Abonnements à des signataires en attente (domaines limités)
signatory-follow-signatory = Signataire
followers-empty = Personne ne suit encore ce territoire depuis le fédivers. Partagez son adresse (page du territoire) pour que des comptes Mastodon ou autres puissent le suivre.
practice-status-all = Toutes
practices-search-hint = titre, résumé ou commune
practices-admin-empty = Aucune bonne pratique ne correspond. « Nouvelle bonne pratique » en commence une.
bulk-check-all = Tout cocher
admin-edit-title = Corriger la signature de { $name }
admin-edit-intro = Vous corrigez cette signature à la demande de la personne qui l'a faite (droit de rectification). Ce que vous enregistrez remplace ce qu'elle avait saisi ; la modification est inscrite au journal.
admin-edit-back = Retour à la fiche
dash-drafts = { $count } bonne(s) pratique(s) en brouillon, propositions comprises, à relire et publier
dash-drafts-none = Aucune bonne pratique en brouillon
audit-search-hint = un nom, une action (« refusée »), un compte…
audit-kind = Sujet
audit-kind-all = Tout
audit-kind-signatures = Signatures
audit-kind-practices = Bonnes pratiques et commentaires
audit-kind-network = Abonnements et domaines
audit-kind-accounts = Comptes et connexions
audit-kind-settings = Territoire, instance et charte
audit-field-discoverable = Visible dans les annuaires du fédivers

## Change of address on the private page (issue 10)
audit-signature-email = Adresse de la signature changée (par son ou sa titulaire)
manage-email-pending = Votre nouvelle adresse sera prise en compte quand vous aurez ouvert le lien que nous venons d'y envoyer (valable { $hours } heures). Vos autres modifications sont enregistrées.
email-change-mail-subject = Confirmez votre nouvelle adresse — { $territory }
email-change-mail-body = Bonjour,

    Quelqu'un (vous, sans doute) a demandé que votre signature de la charte des Circuits Courts Économiques et Solidaires, auprès du territoire { $territory }, utilise désormais cette adresse.

    Pour confirmer, ouvrez ce lien (valable { $hours } heures) :
    { $link }

    Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne changera.
email-change-done = Votre nouvelle adresse est enregistrée pour votre signature.
email-change-invalid = Ce lien n'est plus valable (déjà utilisé ou trop ancien). Vous pouvez refaire la demande depuis votre espace personnel.
email-change-taken = Cette adresse est déjà celle d'une autre signature de ce territoire : elle n'a pas été changée.

## Confirmations of destructive console actions
confirm-reject-follower = Refuser cet abonnement ? La personne ne recevra pas les nouvelles du territoire.
confirm-reject-signatory-follower = Refuser cet abonnement ? Le compte ne recevra pas les nouvelles de ce ou cette signataire.
confirm-unfollow = Ne plus suivre ce compte ? Ses bonnes pratiques ne seront plus reçues.
confirm-account-toggle = Changer l'accès de ce compte ? Un compte désactivé ne peut plus se connecter.

# --- actions (issue 12) ---
action-participants = Participants
action-places-left = places restantes :
action-map = Carte
action-online = En ligne
action-add-to-calendar = Ajouter à mon agenda (.ics)
action-agenda = Agenda
action-status-scheduled = Programmée
action-status-tentative = À confirmer
action-status-cancelled = Annulée
action-status-postponed = Reportée

## Abonnements d'instance à instance et relais (issue 13, point 7)
admin-subscriptions = Abonnements d'instances
subscriptions-intro = Un observatoire s'abonne à des instances entières : chaque territoire de l'instance suivie, y compris ceux créés plus tard, lui envoie ses pratiques et actions publiques.
subscriptions-ours = Nos abonnements (instances, relais)
subscriptions-empty = Aucun abonnement.
subscription-actor = Acteur
subscription-kind = Type
subscription-instance = Instance
subscription-relay = Relais
unsubscribe = Se désabonner
confirm-unsubscribe = Se désabonner ? Ce qui a été reçu reste, plus rien de nouveau n'arrivera.
subscribers-pending = Instances en attente d'accord
subscribers-accepted = Instances abonnées à la nôtre
subscribers-empty = Aucune instance.
confirm-reject-subscriber = Refuser l'abonnement de cette instance ?
learned-territories = Territoires connus par abonnement
learned-empty = Aucun territoire pour l'instant.
learned-territory = Territoire
learned-via = Reçu par
subscribe-title = S'abonner à une instance
subscribe-target = Adresse de l'instance (https://autre.exemple)
subscribe-submit = S'abonner
relay-add-title = Ajouter un relais
relay-url = Acteur du relais (https://relais.exemple/actor)
relay-add-submit = Suivre le relais
subscribe-failed = Abonnement impossible : { $reason }
subscribe-empty-target = Indiquez une adresse.
audit-subscription-add = Abonnement à une instance ou un relais
audit-subscription-remove = Désabonnement d'une instance ou d'un relais
audit-subscriber-approve = Abonnement d'une instance accepté
audit-subscriber-reject = Abonnement d'une instance refusé

# --- sauvegardes (issue 15) ---
backup-title = Sauvegardes
backup-schedule = Planification
backup-none-scheduled = Aucune sauvegarde planifiée (réglage backup_interval_hours ; voir docs/admin.md).
backup-every = Toutes les { $hours } heures, les { $keep } dernières gardées dans { $dir }
backup-last = Dernière sauvegarde
backup-last-value = { $when } : { $file } ({ $size })
backup-next = Prochaine sauvegarde
backup-failures = Échecs
backup-no-failure = Aucun depuis la dernière sauvegarde réussie.
backup-failures-value = { $count } échec(s) depuis la dernière sauvegarde réussie ; le dernier { $when } : { $error }

## Announcements (annonces, issue 12)
announcements-title = Annonces
announcements-latest = Dernières annonces
announcements-all = Toutes les annonces
announcements-feed = Flux Atom des annonces
announcements-none = Aucune annonce pour l’instant.
announcements-followed = Des territoires suivis
announcements-from = De {$name}
announcements-pages = Pages des annonces
announcements-newer = Plus récentes
announcements-older = Plus anciennes
announcement-untitled = Annonce
announcement-draft = Brouillon : visible des seuls modérateurs.
announcement-likes = J’aime :
announcement-comments = Commentaires
announcement-no-comments = Aucun commentaire. On peut répondre depuis Mastodon, Lemmy ou un autre serveur du fédivers.
announcement-comment-hide = Masquer
announcement-comment-show = Afficher
announcement-new-title = Nouvelle annonce
announcement-edit-title = Modifier l’annonce
announcement-delete-title = Supprimer l’annonce
announcement-delete-question = Supprimer cette annonce ?
announcement-delete-published = Elle est publiée : les abonnés du fédivers recevront sa suppression.
announcement-delete-confirm = Supprimer
announcement-field-title = Titre (facultatif)
announcement-field-text = Texte
announcement-field-link = Lien (facultatif)
announcement-field-image = Image (PNG, JPEG, WebP ou GIF, au plus { $max })
announcement-remove-image = Retirer l’image
announcement-field-alt = Description de l’image
announcement-alt-hint = Obligatoire avec une image : ce que voit qui la regarde, pour qui ne la voit pas.
announcement-field-tags = Mots-clés (séparés par des espaces)
announcement-field-status = Publication
announcement-status-published = Publier maintenant
announcement-status-draft = Brouillon
announcement-save = Enregistrer
announcement-image-too-large = Ce fichier est trop lourd.
announcement-image-invalid = Ce fichier n’est pas une image PNG, JPEG, WebP ou GIF lisible.
## Observatoire (issue 13)
nav-observatory = Observatoire
indicator-reference = Indicateur de référence
indicator-free = Indicateur libre
indicator-unknown-reference = Cet indicateur de référence n'existe pas pour cette dimension.
indicator-unit-mismatch = L'unité doit être celle de l'indicateur de référence.
indicator-out-of-range = Cette valeur est hors de la plage plausible de l'indicateur de référence.
indicator-period-invalid = Période illisible : écrivez 2025, 2025-03, 2025-T1, 2025-S1 ou 2024-2025.
obs-title = Observatoire des CCES
obs-title-territory = Observatoire — { $name }
obs-intro = Chaque chiffre dit de quels territoires et de quelles pratiques ou actions il vient. Les chiffres sont recalculés dès qu'une donnée change.
obs-scope = Périmètre :
obs-scope-territoire = Ce territoire
obs-scope-instance = Cette instance
obs-scope-reseau = Le réseau
obs-origins = Territoires comptés
obs-origin-local = sur cette instance
obs-origin-remote = territoire suivi
obs-received = reçu le { $date }
obs-empty = Aucun territoire dans ce périmètre pour l'instant.
obs-evolution = Évolution mois par mois
obs-evolution-desc = Pratiques publiées par mois ; le tableau donne aussi les signataires et les actions.
obs-evolution-table = Signataires, pratiques et actions par mois
obs-month = Mois
obs-signatories = Signataires
obs-practices = Pratiques
obs-actions = Actions
obs-category = Catégorie
obs-value = Valeur
obs-from = D'où vient ce chiffre
obs-more = et { $count } autres
obs-catalogue = voir dans le catalogue
obs-indicators = Indicateurs de référence
obs-indicators-hint = Additionnés ou moyennés comme leur définition le dit, par période.
obs-indicators-empty = Aucune pratique publiée ne donne encore d'indicateur de référence.
obs-vocabulary = La liste des indicateurs de référence
obs-period-unsaid = non précisée
obs-aggregation-sum = somme
obs-aggregation-mean = moyenne
obs-aggregation-share = part moyenne
obs-open-data = Données ouvertes :
obs-signatories-kind = Signataires par type
obs-signatories-kind-desc = Nombre de signataires approuvés, personnes et structures.
obs-signatories-role = Signataires par rôle
obs-signatories-role-desc = Rôles déclarés par les personnes signataires.
obs-signatories-domain = Structures par domaine
obs-signatories-domain-desc = Domaines d'activité déclarés par les structures signataires.
obs-signatories-legal_form = Structures par forme juridique
obs-signatories-legal_form-desc = Formes juridiques des structures signataires.
obs-signatories-commune = Signataires par commune
obs-signatories-commune-desc = Communes des signataires (les quinze plus nombreuses).
obs-practices-published = Pratiques publiées
obs-practices-published-desc = Nombre de bonnes pratiques publiées.
obs-practices-domain = Pratiques par domaine
obs-practices-domain-desc = Bonnes pratiques publiées, par domaine d'activité.
obs-practices-dimension = Pratiques par dimension
obs-practices-dimension-desc = Bonnes pratiques publiées, par dimension de valeur ajoutée documentée.
obs-actions-held = Actions tenues
obs-actions-held-desc = Actions partagées publiées et non annulées.
obs-actions-participants = Participants aux actions
obs-actions-participants-desc = Participants acceptés des actions partagées.

# --- agenda (issue 12, point 4) ---
agenda-subscribe = S'abonner à cet agenda dans une application de calendrier :
agenda-webcal = abonnement (webcal)
agenda-ics = fichier iCalendar (.ics)
agenda-views = Vues de l'agenda
agenda-upcoming = À venir
agenda-past = Passées
agenda-month = Mois
agenda-months = Mois
agenda-month-prev = ← Mois précédent
agenda-month-next = Mois suivant →
agenda-empty-month = Aucune action ce mois-ci.
agenda-join-mode = Inscription
agenda-count = { $count ->
    [0] Aucune action trouvée.
    [one] { $count } action
   *[other] { $count } actions
}
agenda-day-mon = lundi
agenda-day-tue = mardi
agenda-day-wed = mercredi
agenda-day-thu = jeudi
agenda-day-fri = vendredi
agenda-day-sat = samedi
agenda-day-sun = dimanche
action-join-mode-free = Libre
action-join-mode-approval = Sur validation
action-join-mode-external = Sur un autre site
action-join-mode-none = Sans inscription

# --- action page and joining from it (issue 12, points 4 and 6) ---
action-when = Quand
action-where = Où
action-map-link = Voir sur la carte (OpenStreetMap)
action-organisers = Organisé par
action-practices = Bonnes pratiques liées
action-participant-count = { $count ->
    [0] Aucun participant pour l'instant
    [one] { $count } participant
   *[other] { $count } participants
}
action-tentative-count = { $count ->
    [one] { $count } personne peut-être (sur le fédivers)
   *[other] { $count } personnes peut-être (sur le fédivers)
}
evaluation-title = Bilan
evaluation-by = Évaluation de
evaluation-participants = { $count ->
    [one] { $count } personne a participé
   *[other] { $count } personnes ont participé
}
evaluation-structures = Structures impliquées :
feedback-title = L’avis des participants
feedback-ratings = Notes données
feedback-answers = { $count ->
    [one] { $count } réponse
   *[other] { $count } réponses
}
feedback-form-title = Votre avis sur l’action
feedback-form-intro = L’action a eu lieu : dites-nous ce que vous en avez pensé. Votre texte reste privé (les organisateurs le lisent) ; seule la note compte dans le bilan public.
feedback-rating = Votre note
feedback-rating-value = { $n } sur 5
feedback-comment = En quelques mots (facultatif)
feedback-submit = Envoyer mon avis
feedback-thanks = Merci pour votre avis !
feedback-not-open = On peut donner son avis une fois l’action terminée, si elle n’a pas été annulée.
action-remaining = { $count ->
    [0] complet
    [one] { $count } place restante
   *[other] { $count } places restantes
}
join-title = Participer
join-approval = Les organisateurs valident chaque inscription : vous recevrez leur réponse.
join-name = Votre nom
join-email = Votre adresse électronique
join-email-hint = Pour confirmer votre inscription et pouvoir l'annuler. Elle n'est jamais publiée ; seul le nombre de participants est public.
join-submit = Je participe
join-fediverse-title = Depuis le fédivers
join-mobilizon = Vous avez un compte Mobilizon ou Maillage ? Indiquez-le : votre serveur vous présentera l'action pour vous y inscrire.
join-handle = Votre compte (nom@serveur)
join-remote-submit = Continuer sur mon serveur
join-handle-unknown = Ce compte n'a pas été trouvé, ou son serveur ne propose pas l'interaction à distance.
join-mastodon = Sur Mastodon ou GoToSocial (qui ne permettent pas de s'inscrire à un évènement), collez cette adresse dans la recherche pour voir l'action, la partager ou y répondre :
join-page-address = Adresse de l'action
join-full = Cette action est complète : il ne reste plus de place.
join-closed-cancelled = Cette action est annulée : les inscriptions sont fermées.
join-closed-ended = Cette action est terminée.
join-external = S'inscrire sur le site des organisateurs
join-none = Pas d'inscription : venez librement.
join-sent = Merci ! Un message vient de partir vers votre adresse : ouvrez le lien qu'il contient pour confirmer votre participation.
join-throttled = Trop d'inscriptions depuis votre connexion. Réessayez dans une heure.
join-confirmed = Votre participation est confirmée. À bientôt !
join-held = Votre adresse est confirmée. Les organisateurs valident les inscriptions : vous recevrez leur réponse.
join-link-invalid = Ce lien n'est plus valable (déjà utilisé, trop ancien ou annulé).
join-manage-title = Votre participation
join-state-accepted = Votre participation est confirmée.
join-state-pending = Votre inscription attend la validation des organisateurs.
join-state-unconfirmed = Votre inscription n'est pas encore confirmée.
join-cancel-intro = Vous ne pouvez plus venir ? Annulez votre participation : votre place sera libérée et vos nom et adresse effacés.
join-cancel = Annuler ma participation
join-cancelled = Votre participation est annulée, vos nom et adresse sont effacés.
join-mail-subject = Confirmez votre participation : { $title }
join-mail-body = Bonjour { $name },

    vous vous êtes inscrit·e à « { $title } » ({ $page }).
    Pour confirmer votre participation, ouvrez ce lien (valable { $hours } heures) :
    { $confirm }

    Pour annuler votre participation à tout moment, gardez ce lien privé :
    { $manage }
join-again-mail-subject = Votre participation : { $title }
join-again-mail-body = Bonjour { $name },

    quelqu'un (sans doute vous) a de nouveau demandé à participer à « { $title } » ({ $page })
    avec cette adresse, déjà inscrite. Rien n'a changé.
    Pour annuler votre participation, voici un nouveau lien privé :
    { $manage }
participant-cancelled-mail-subject = Annulée : { $title }
participant-cancelled-mail-body = Bonjour { $name },

    les organisateurs ont annulé « { $title } » ({ $when }), à laquelle vous étiez inscrit·e.
    { $page }
participant-moved-mail-subject = Nouvelles dates : { $title }
participant-moved-mail-body = Bonjour { $name },

    « { $title } », à laquelle vous êtes inscrit·e, change de date : { $when }.
    { $page }
participant-approved-mail-subject = Inscription acceptée : { $title }
participant-approved-mail-body = Bonjour { $name },

    les organisateurs ont accepté votre inscription à « { $title } ». À bientôt !
    { $page }
participant-declined-mail-subject = Inscription non retenue : { $title }
participant-declined-mail-body = Bonjour { $name },

    les organisateurs n'ont pas pu retenir votre inscription à « { $title } ».
    Vos nom et adresse sont effacés.
    { $page }
## Signalements et journal de modération (issue 15)
report-title = Signaler un contenu
report-intro = Dites aux modérateurs ce qui ne va pas. Votre signalement n'est jamais publié ; votre adresse, si vous la donnez, ne sert qu'à vous répondre.
report-about = Contenu signalé
report-reason = Motif
report-email = Votre adresse électronique (facultative)
report-email-hint = Seuls les modérateurs la voient ; elle n'est ni publiée ni transmise.
report-send = Envoyer le signalement
report-thanks = Merci : les modérateurs examineront votre signalement.
report-too-many = Trop de signalements depuis cette adresse : réessayez dans une heure.
report-target-unknown = Ce contenu est introuvable sur cette instance.
report-link = Signaler
report-kind-comment = Commentaire
report-kind-practice = Pratique
report-kind-announcement = Annonce
report-kind-action = Action
report-kind-actor = Compte
report-kind-domain = Domaine
report-source-web = Page
report-source-api = API
report-source-federation = Fédivers
reports-title = Signalements
reports-open = Ouverts
reports-resolved = Traités
reports-none = Aucun signalement.
reports-source = Origine
reports-status = État
reports-status-open = Ouvert
reports-status-resolved = Traité
reports-snapshot = Le contenu tel qu'il était au moment du signalement
reports-decision = Décision
reports-decision-hide_comment = Masquer le commentaire
reports-decision-unpublish = Dépublier
reports-decision-block_actor = Bloquer ce compte pour le territoire
reports-decision-block_domain = Bloquer tout le domaine
reports-decision-dismiss = Classer sans suite
reports-public-reason = Motif publié dans le journal de modération (sans donnée personnelle)
reports-decide = Décider
reports-forward = Transmettre au serveur d'origine
reports-forward-hint = Le signalement part au serveur d'origine au nom de l'instance, sans jamais nommer la personne qui a signalé.
reports-forward-comment = Commentaire transmis
reports-forwarded = Transmis
reports-public-kinds = Décisions publiées dans le journal de modération
modlog-title = Journal de modération
modlog-intro = Chaque décision de modération, avec sa date, sa nature, sa cible et son motif. Les personnes qui signalent n'y figurent jamais.
modlog-empty = Aucune décision pour l'instant.
modlog-date = Date
modlog-kind = Décision
modlog-target = Cible
modlog-reason = Motif
modlog-author = Modération
modlog-kind-hide_comment = Commentaire masqué
modlog-kind-unpublish = Contenu dépublié
modlog-kind-block_actor = Compte bloqué
modlog-kind-block_domain = Domaine bloqué
modlog-kind-limit_domain = Domaine limité
modlog-kind-dismiss = Signalement classé
reports-mail-subject = Signalements à examiner : { $count }
reports-mail-body = Bonjour,

    Un nouveau signalement est arrivé ; { $count } signalement(s) attendent votre décision :
    { $list }
    Vous recevez ce message parce que vous modérez cette instance (réglage : Administration → Instance).
blocks-export = Exporter les blocages de domaines (CSV de Mastodon)
blocks-import = Importer des blocages de domaines (CSV de Mastodon, collé ici)
blocks-import-submit = Importer

## Map of the observatory (issue 13 point 6)
map-title = Carte
map-title-territory = Carte — { $name }
map-intro = Les signataires inscrits à l'annuaire (au centre de leur commune, jamais à leur adresse), les bonnes pratiques et les actions publiées.
map-label = Carte interactive des signataires, pratiques et actions
map-layer-signataires = Signataires
map-layer-pratiques = Bonnes pratiques
map-layer-actions = Actions
map-kind-individual = Personne
map-kind-structure = Structure
map-kind-practice = Bonne pratique
map-kind-action = Action
map-list = Liste des lieux
map-empty = Rien à placer pour l'instant.
map-open-data = Données (GeoJSON) :
map-observatory = Retour à l'observatoire
map-link = Voir la carte

# --- co-organisation et évaluation des actions (issue 12, points 7 et 8) ---
evaluation-before-end = Une action s'évalue une fois terminée.
evaluation-unknown-dimension = Chaque indicateur relève d'une des quatre dimensions : sociale, économique, territoriale, environnementale.
coorganizer-practical-only = Un territoire co-organisateur ne modifie que les détails pratiques : lieu, horaires, capacité, lien en ligne.
admin-invitations = Co-organisation
invitations-received = Invitations à co-organiser, en attente de réponse
invitations-in-force = Co-organisations en cours et invitations envoyées
invitations-empty = Aucune.
invitation-action = Action
invitation-territory = Territoire
invitation-pending = En attente
invitation-accepted = Acceptée
invitation-declined = Déclinée
invitation-withdrawn = Retirée
invitation-withdraw = Retirer
confirm-invitation-withdraw = Mettre fin à cette co-organisation ? L'autre territoire en sera informé.

## Inscriptions aux actions en attente (agenda2)
admin-held = Inscriptions en attente
held-intro = Les actions en mode « sur validation » : les personnes ci-dessous attendent votre décision. Acceptées, elles comptent et sont prévenues (courriel ou réponse Accept) ; refusées, elles sont prévenues et effacées.
held-none = Aucune inscription en attente.
held-who = Personne
held-web = (inscrite depuis la page)
held-fediverse = (fédivers)
held-approved = { $count ->
    [one] Une inscription acceptée.
   *[other] { $count } inscriptions acceptées.
}
held-declined = { $count ->
    [one] Une inscription refusée.
   *[other] { $count } inscriptions refusées.
}
held-skipped = { $count ->
    [one] Une inscription n'a pas pu être traitée (plus en attente, ou plus de place).
   *[other] { $count } inscriptions n'ont pas pu être traitées (plus en attente, ou plus de place).
}

# Console: mapping free indicators to reference ones (issue 13, point 1)
admin-indicators = Indicateurs libres
indicators-intro = Des pratiques donnent des indicateurs libres ; rattacher l'un d'eux à un indicateur de référence le compte dans l'observatoire, pour les pratiques déjà publiées comme pour les suivantes (reçues comprises).
indicators-free = Indicateurs libres en usage
indicators-empty = Aucun indicateur libre : tous ceux donnés sont des indicateurs de référence.
indicator-label = Libellé
indicator-dimension = Dimension
indicator-practices = Pratiques
mapping-title = Rattacher un indicateur libre
mapping-submit = Rattacher
mapping-label-invalid = Donnez le libellé de l'indicateur libre, tel qu'il figure dans la liste.
mapping-unknown-reference = Choisissez un indicateur de la liste de référence.
mapping-unit-mismatch = L'unité ne correspond pas à celle de l'indicateur de référence.

# The map's scope (issue 13, point 4)
map-scope-local = Ici
map-scope-network = Avec les territoires suivis
export-geojson = Exporter (GeoJSON : signataires par commune)
