"""The staff console (窓口コンソール): scan a ticket, read the forms in Japanese, export or print.

Always Japanese: its strings live in the "staff" gettext domain with a Japanese catalogue
only. Nothing decoded is written anywhere unless staff export or print it.
"""
