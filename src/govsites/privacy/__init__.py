"""Citizens' personal data (SEC-08): encrypted at rest, masked by default, unmasked only with a
reason and an audit entry, exported and erased on a data subject's request, never logged."""
