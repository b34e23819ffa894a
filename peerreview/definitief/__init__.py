"""The definitive portret after adoption: errata, publication to the network or the public, and the
public pages (index, portret, PDF) that need no account."""
