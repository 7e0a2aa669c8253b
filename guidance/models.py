# Situational guidance stores nothing: a personal notice is computed from the published catalog and the
# answers in the query string (so it can be bookmarked and printed). See services.build_notice.
