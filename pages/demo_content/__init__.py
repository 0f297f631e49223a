"""Norwegian demo content for the Spero site: what it is and how it is loaded.

The text is written anew from the facts in the seed pages (the front page of Spero foreningen,
Selvhjelp Norge's jubilee conference page and the sourced figures in statistikk.md). Names, dates,
phone numbers, e-mail addresses, figures with their sources and the quotes with their speakers are
kept exactly as the seeds give them; nothing the seeds do not give (bank account, Vipps number,
organisation number, partners) is invented.

Loading is idempotent: pages (by slug under their parent) and statistics (by title) that already
exist are left exactly as they are, so an editor's later edits are never overwritten; only what is
missing is created and published.

The package is split by what it builds: a module per page or section holds its text and, where
the page shows one, the record it builds (the opprop, the conference with its registrations, the
statistics, the kinds of membership); organisation.py the site and the organisation's details;
loader.py puts it all in the database.
"""

from pages.demo_content.loader import load_demo_content
from pages.demo_content.privacy import privacy_retention_lines

__all__ = ["load_demo_content", "privacy_retention_lines"]
