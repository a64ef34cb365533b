from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2, as in production, with cheap parameters so the suite does not spend minutes hashing."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
