"""The assistant's fixed French texts: command menus and short notices."""

from __future__ import annotations

USER_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Accueil et exemples de questions"),
    ("aide", "Comment m'utiliser"),
    ("themes", "Parcourir les questions par thème"),
    ("lieux", "Les lieux d'une commune : /lieux Nanterre coworking"),
    ("contact", "À qui s'adresser"),
    ("signaler", "Signaler une erreur ou proposer un lieu"),
    ("mesdonnees", "Voir les données que je garde sur vous"),
    ("oubli", "Effacer vos données"),
)
# In groups, the personal-data commands only answer « write to me in private »: not offered.
GROUP_COMMANDS: tuple[tuple[str, str], ...] = tuple(
    (name, desc) for name, desc in USER_COMMANDS if name not in ("oubli", "mesdonnees"))
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", "Équipe : statistiques sur 7 et 30 jours"),
    ("nonrepondues", "Équipe : questions à traiter"),
    ("recharger", "Équipe : recharger les connaissances"),
    ("annuler", "Équipe : retirer la dernière formulation ajoutée"),
    ("exporter", "Équipe : les connaissances en classeur, à modifier et renvoyer"),
)


NOT_TEXT = {
    "sticker": "Joli autocollant ! Je ne comprends que le texte : posez-moi votre question par écrit.",
    "voice": "Je ne peux pas écouter les messages vocaux. Écrivez-moi votre question, s'il vous plaît.",
    "photo": "Je ne sais pas regarder les images. Écrivez-moi votre question, s'il vous plaît.",
    "document": "Je ne lis pas les fichiers. Écrivez-moi votre question, s'il vous plaît.",
    "other": "Je ne comprends que les messages écrits. Posez-moi votre question par écrit.",
}
EDITED = (
    "J'ai vu votre modification, mais je ne relis pas les messages modifiés. "
    "Envoyez-moi plutôt un nouveau message."
)
FLOOD_NOTICE = (
    "Vous m'écrivez très vite ! Je fais une courte pause d'une minute avant de vous répondre "
    "à nouveau. Prenez le temps de lire mes réponses."
)
ERROR_APOLOGY = (
    "Désolé, un problème technique m'empêche de vous répondre. Réessayez dans un instant ; "
    "si cela continue, écrivez /contact."
)
STALE_BUTTON = "Ce bouton n'est plus à jour. Reposez votre question, s'il vous plaît."
STAFF_ONLY = "Cette commande est réservée à l'équipe qui gère l'assistant."
UNKNOWN_COMMAND = "Je ne connais pas cette commande. Écrivez /aide pour voir ce que je sais faire."
