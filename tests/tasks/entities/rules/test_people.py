"""tasks/entities/rules/people.py: persons after a title, before a role, after a speech verb."""


def test_role_after_name_and_speech_verb(mentions):
    ms = mentions("وأكد خالد المصري، المتحدث باسم الجيش اللبناني، أن وحدات انتشرت. وقال محمد الحسيني إن الوضع هادئ.")
    persons = {m["surface"]: m for m in ms if m["type"] == "PERSON"}
    assert set(persons) == {"خالد المصري", "محمد الحسيني"}
    assert persons["خالد المصري"]["role"] == "المتحدث باسم الجيش اللبناني"
