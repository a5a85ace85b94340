"""The account API (``/account/v1.0``): user catalogs and feedback here;
resources, quotas and commissions come with the quota package."""


def includeme(config):
    config.include(".catalogs")
    config.include(".feedback")
