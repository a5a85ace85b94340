"""The project API, mounted at the account API's root (``/account/v1.0``):
projects, applications and memberships (behaviours-projects.md)."""


def includeme(config):
    config.include(".projects")
    config.include(".applications")
    config.include(".memberships")
