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
    for user in (
        make.user(network_role=NetworkRole.ROUND_COORDINATOR),
        make.user(gemeente=make.gemeente(), role=MembershipRole.COORDINATOR),
    ):
        assert client_for(user).get("/beheer/audit/").status_code == 404
