"""The contact centre's vocabulary: frozen values and enums shared by every package.

Nothing here touches a database, the network or the clock.
"""
