"""The records stage: what only the whole inbox settles, and what is kept from night to night.

`ledger` (every file version seen, its records, the reviews), `duplicates` (byte-identical
copies), `revisions` (a later version supersedes an earlier one), `reviews` (the reviewers'
columns read back and carried), `score` (typical-case ranking) and `merge`, which applies
them in order to a night's records. Outputs see only what comes out of here.
"""
