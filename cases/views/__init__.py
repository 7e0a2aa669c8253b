"""Pages of cases: `applicant` (submit, my cases, the case page, corrections, withdrawal, files, the receipt) and
`window` (the window staff's side). Both read cases through cases.queries only."""
