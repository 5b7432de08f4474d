"""The French twins declared on events, campaigns and institutions are in their forms, in the French part."""

from __future__ import annotations


def test_forms_offer_the_french_twins(client, login, bilingual_case) -> None:
    case = bilingual_case()
    login("staff")
    event = case.events[0]
    page = client.get(f"/staff/cases/{case.id}/events/{event.id}/edit").get_data(as_text=True)
    assert 'name="title_fr"' in page and 'name="description_fr"' in page
    assert "Avis de suspension reçu" in page
    from casefiles.campaigns.services import campaigns_for_case

    campaign = next(c for c in campaigns_for_case(case) if c.status == "in_progress")
    page = client.get(f"/staff/campaigns/{campaign.id}/edit").get_data(as_text=True)
    french_part = page[page.index('<fieldset lang="fr">') :]
    french_part = french_part[: french_part.index("</fieldset>")]
    assert 'name="asks_fr"' in french_part and 'name="targets_fr"' in french_part
    assert "Levez la suspension maintenant" in french_part
    page = client.get(f"/staff/institutions/{case.institution_id}/edit").get_data(as_text=True)
    assert 'name="name_fr"' in page and "Ordre des infirmières" in page
