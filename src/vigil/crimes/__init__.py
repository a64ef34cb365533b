"""The crime catalogue that investigations and professional standards both read: the Home Office offences
(``offences``), selectors over offences and flags (``selectors``) and the crime categories of domain-rules §4
(``categories``). Reference data and pure functions: no models, and no area is imported from here."""
