"""A labelled set for disagreements: small stories written for these tests (fictional
places, outlets and people), each with the disputes and claim/denial pairs planted in it.

Each case: ``articles`` as (id, outlet or None, published day or None, text), and what a
reader should be told: ``disputes`` (sets of the article ids whose differing figures form
one dispute), ``denials`` ((claim article, denial article): the article ids of the two
statements, equal when one sentence holds both). Anything else reported is a false one.
"""

from __future__ import annotations

CASES = [
    {"name": "two outlets, same day, different tolls",
     "articles": [
         ("a1", "Northwind Daily", "2031-04-08", "Floodwater from the Brennick Dam swept "
          "through Carrowmere on Tuesday. At least 14 people were killed, the regional "
          "emergency office said."),
         ("a2", "Harbor Post", "2031-04-08", "A spillway gate at the Brennick Dam gave way on "
          "Tuesday. Hospital officials put the death toll at 21 late on Tuesday.")],
     "disputes": [{"a1", "a2"}], "denials": []},
    {"name": "a toll that rises over three days is an evolution",
     "articles": [
         ("b1", "Northwind Daily", "2031-05-02", "An earthquake struck the hill town of Pellan "
          "on Friday. At least 9 people were killed, officials said."),
         ("b2", "Harbor Post", "2031-05-03", "Rescuers dug through rubble in Pellan on "
          "Saturday. The number of dead rose to 17, officials said."),
         ("b3", "Capital Wire", "2031-05-04", "Pellan buried its dead on Sunday. Twenty-two "
          "people were killed in the earthquake, according to the final count.")],
     "disputes": [], "denials": []},
    {"name": "a part and a per-unit amount are not the total",
     "articles": [
         ("c1", "Valley Times", "2031-06-10", "A bus fell into a ravine near Ostra on Monday. "
          "Twenty-five people died in the crash, the police said."),
         ("c2", "Coastal Herald", "2031-06-10", "Nineteen of the dead were pupils from "
          "Ostra's school, the police said. Families of the victims will receive 40,000 "
          "crowns each.")],
     "disputes": [], "denials": []},
    {"name": "one sentence gives two figures from two sources",
     "articles": [
         ("d1", "Metro Courier", "2031-07-01", "Police said 12 people were arrested at the "
          "march in Delft Square, while organisers put the number of arrested at 30.")],
     "disputes": [{"d1"}], "denials": []},
    {"name": "one outlet updating itself the same day",
     "articles": [
         ("e1", "Island Gazette", "2031-08-03", "A ferry capsized off Marn island on "
          "Sunday. Six people were killed, the coast guard said."),
         ("e2", "Island Gazette", "2031-08-03", "The coast guard said eight people were "
          "killed when the ferry capsized off Marn island.")],
     "disputes": [], "denials": []},
    {"name": "a recalled figure is not today's",
     "articles": [
         ("f1", "Summit Report", "2031-09-09", "The mine collapse at Drev killed 23 miners, "
          "the company said. It had initially reported 18 dead."),
         ("f2", "Frontier News", "2031-09-09", "Twenty-three miners were killed in the "
          "collapse at Drev, the company said.")],
     "disputes": [], "denials": []},
    {"name": "undated reports cannot be told apart from updates",
     "articles": [
         ("g1", "Evening Ledger", None, "At least 18 people were killed in the blast at the "
          "Harsk refinery."),
         ("g2", "Frontier News", None, "The blast at the Harsk refinery killed 25 people.")],
     "disputes": [], "denials": []},
    {"name": "a figure dated by its own sentence",
     "articles": [
         ("h1", "Northwind Daily", "2031-10-07", "At least 30 people were injured when a "
          "stand collapsed at the Varo stadium on Tuesday, the fire service said."),
         ("h2", "Capital Wire", "2031-10-09", "The health ministry said on Tuesday that 52 "
          "people were injured in the stadium collapse in Varo.")],
     "disputes": [{"h1", "h2"}], "denials": []},
    {"name": "a count over a period is not one event's count",
     "articles": [
         ("i1", "Harbor Post", "2031-11-03", "Two soldiers were killed on Monday in a clash "
          "near the Tarn border post, the army said."),
         ("i2", "Valley Times", "2031-11-03", "Clashes along the Tarn border have killed 140 "
          "soldiers since January, according to the army.")],
     "disputes": [], "denials": []},
    {"name": "a claim and its denial in two articles",
     "articles": [
         ("j1", "Wire", "2031-03-02", "Veloria said that Drustani artillery shelled the "
          "border village of Kesh on Sunday night."),
         ("j2", "Wire", "2031-03-03", "Drustan denied that its artillery shelled the border "
          "village of Kesh on Sunday night.")],
     "disputes": [], "denials": [("j1", "j2")]},
    {"name": "a claim and its denial in one sentence",
     "articles": [
         ("k1", "Coastal Herald", "2031-03-04", "A fishing boat sank off Cape Morl on "
          "Monday, in what the coast guard says was a collision with a naval patrol, though "
          "the navy rejects the charge.")],
     "disputes": [], "denials": [("k1", "k1")]},
    {"name": "a possessive claim rejected",
     "articles": [
         ("l1", "Capital Wire", "2031-02-11", "The transport ministry rejected the rail "
          "union's claim that train drivers' wages had fallen for five years.")],
     "disputes": [], "denials": [("l1", "l1")]},
    {"name": "a rejected request is no denial of a claim",
     "articles": [
         ("m1", "Metro Courier", "2031-05-20", "Prosecutors asked for a sentence of six years "
          "for the former harbour master, Ivo Brask."),
         ("m2", "Metro Courier", "2031-05-21", "Judge Ana Lis rejected a defence request to "
          "delay the sentencing of Ivo Brask, saying the court had waited long enough.")],
     "disputes": [], "denials": []},
    {"name": "a denial of something nobody in the story claimed",
     "articles": [
         ("n1", "Evening Ledger", "2031-06-01", "The football club of Ardo signed the "
          "striker Tomas Vey on a three-year contract on Friday."),
         ("n2", "Island Gazette", "2031-06-02", "The mayor of Ardo denied that the city "
          "would raise parking fees next year.")],
     "disputes": [], "denials": []},
    {"name": "an accusation answered a few lines later in the same article",
     "articles": [
         ("o1", "Delta Ledger", "2031-07-08", "The fishermen's union accused the Norra "
          "shipyard of dumping oil into the bay last week. \"The water is black near the "
          "pier,\" said union leader Pia Sten. Boats stayed in harbour on Monday. The "
          "shipyard denied dumping any oil.")],
     "disputes": [], "denials": [("o1", "o1")]},
    {"name": "a range is one estimate, not two sources",
     "articles": [
         ("q1", "Delta Ledger", "2031-08-10", "Police said between 5,000 and 10,000 people "
          "were killed in the Varna earthquake, and officials said the toll would rise."),
         ("q2", "Harbor Post", "2031-08-10", "The authorities have counted 9,000 to 10,000 "
          "dead since the Varna earthquake, a minister told reporters.")],
     "disputes": [], "denials": []},
    {"name": "figures orders apart count different things",
     "articles": [
         ("r1", "Northwind Daily", "2031-09-03", "At least 20 people were killed by the new "
          "fever in Ostra on Monday, health officials said."),
         ("r2", "Capital Wire", "2031-09-03", "The great fever of 1918 killed more than 50 "
          "million people worldwide, historians say.")],
     "disputes": [], "denials": []},
    {"name": "a list of tolls by town is not a dispute",
     "articles": [
         ("s1", "Island Gazette", "2031-09-05", "Officials confirmed the toll by town: "
          "Ostra 12 dead, Pellan 4 dead and Marn 1 dead, the ministry said.")],
     "disputes": [], "denials": []},
    {"name": "a denial after an unrelated statement in the same article",
     "articles": [
         ("p1", "Delta Ledger", "2031-07-09", "Harbour master Ivo Tal said the new ferry "
          "timetable would start in August. The mayor of Norra denied that she would stand "
          "for parliament next year.")],
     "disputes": [], "denials": []},
]
