def test_pages(client, auth, demo):
    auth.login("coordinator")
    for url in ["/campaigns/", "/campaigns/1", "/campaigns/new", "/campaigns/1/edit", "/campaigns/agencies",
                "/campaigns/agencies/new", "/campaigns/agencies/1/edit", "/campaigns/units", "/campaigns/units/new",
                "/campaigns/units/1/edit", "/campaigns/units/import", "/campaigns/units/import/blank.xlsx",
                "/campaigns/teams/1", "/campaigns/teams/1/edit", "/campaigns/1/teams/new", "/campaigns/teams/1/visits/new",
                "/campaigns/visits/1/edit"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[-3000:])
    auth.logout()
    auth.login("admin")
    for url in ["/campaigns/users", "/campaigns/users/new", "/campaigns/users/1/edit", "/campaigns/users/import", "/campaigns/users/import/blank.xlsx"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[-3000:])
