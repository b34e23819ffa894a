from peerreview.accounts.models import MembershipRole, NetworkRole


def test_admin_reads_the_audit_log_and_filters_it(client, client_for, make):
    admin = make.user(network_role=NetworkRole.ADMIN)
    make.user("lid@example.nl")
    client.post_form("/inloggen", {"email": "lid@example.nl", "password": "fout-wachtwoord"})
    client.post_form("/inloggen", {"email": "lid@example.nl", "password": "een-goed-wachtwoord"})
    page = client_for(admin).get("/beheer/audit/?actie=login_failed").get_data(as_text=True)
    assert "Mislukte inlogpoging" in page
    assert "lid@example.nl" in page
    assert "1 gebeurtenis." in page
    everything = client_for(admin).get("/beheer/audit/?wie=lid@").get_data(as_text=True)
    assert "2 gebeurtenissen." in everything


def test_only_admins_read_the_audit_log(client_for, make):
    assert client_for(make.user(network_role=NetworkRole.ADMIN)).get("/beheer/audit/").status_code == 200
    gemeente = make.gemeente()
    others = [make.user(network_role=role) for role in NetworkRole if role is not NetworkRole.ADMIN]
    others += [make.user(gemeente=gemeente, role=role) for role in MembershipRole]
    for user in others:
        assert client_for(user).get("/beheer/audit/").status_code == 404, user.email
