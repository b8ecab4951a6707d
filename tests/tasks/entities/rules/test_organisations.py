"""tasks/entities/rules/organisations.py: organisation heads, quoted names, weak heads."""


def test_org_heads_and_quoted_names(mentions):
    ms = mentions("نقلت وكالة «سبوتنيك» عن جهاز الأمن الوطني أن تنظيم «داعش» وحركة «الشباب» تبادلا الرسائل.")
    orgs = {m["surface"]: m["entity_id"] for m in ms if m["type"] == "ORG"}
    assert orgs["وكالة «سبوتنيك»"] == "org_sputnik"
    assert orgs["تنظيم «داعش»"] == "org_isis"
    assert "جهاز الأمن الوطني" in orgs and "حركة «الشباب»" in orgs


def test_weak_head_before_known_org_and_generic_forces(mentions):
    ms = mentions("قصفت قوات التحالف الدولي مواقع قرب الرقة بينما تقدمت القوات العراقية وقوات النظام.")
    orgs = [m["surface"] for m in ms if m["type"] == "ORG"]
    assert orgs == ["التحالف الدولي"]
    assert [m["surface"] for m in ms if m["type"] == "NORP"] == ["العراقية"]
