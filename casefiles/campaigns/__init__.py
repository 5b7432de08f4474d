"""Campaigns: petitions, email drives, sign-on letters, rallies, defence funds, media pushes."""
