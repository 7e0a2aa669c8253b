"""The case's actions by step (STYLE.md §20; Zulip's zerver/actions/): filing.py, review.py, withdrawal.py, with what
they share in common.py. Callers import them from cases.services; the kernel (Actor, record_event, the case lock) is
cases/kernel.py, the reads are cases/queries.py."""
