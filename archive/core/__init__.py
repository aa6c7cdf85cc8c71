"""What every layer shares: the Article declaration, URL identity, the sources file.

Nothing here touches the database or the network.
"""
