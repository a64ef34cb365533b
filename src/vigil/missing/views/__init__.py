"""Pages of the missing-children module: the coordinator's board, episodes, children, addresses, the linkage
review queue and the offender manager's review of a link. Views hold no business rules: they read through
``selectors``, write through ``services`` and show ``InputError`` next to the field."""
