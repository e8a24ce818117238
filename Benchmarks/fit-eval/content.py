"""The texts of the hand-written evaluation pages (see make_pages.py): one entry per page.

Each entry: kind (blog, news, shop, forum, recipe, wiki), title, and body parts. A part is
("p", text), ("h2", text), ("ul", [items]), ("code", text), ("table", [rows]) or, for
forums, ("post", author, text).
"""

BLOG = [
    ("Why our build cache missed every time", [
        ("p", "For three weeks, every pull request rebuilt the world. The cache was there, the keys looked right, and yet the hit rate sat at zero."),
        ("p", "The culprit was a timestamp. Our code generator wrote the current date into a header comment, so every generated file differed, and every hash that depended on it changed with it."),
        ("h2", "Finding it"),
        ("p", "We diffed two cache keys from consecutive runs, walked the inputs that differed, and ended at a file nobody had opened in a year."),
        ("code", "$ diff key-a.txt key-b.txt\n< gen/api.h 5f1c\n> gen/api.h 9a07"),
        ("h2", "The fix"),
        ("p", "We removed the date, made the generator deterministic, and added a check to CI that builds twice and compares the outputs byte for byte."),
    ]),
    ("Notes from a winter on the allotment", [
        ("p", "Most people leave their plots alone between November and March, which is exactly when the soil is easiest to improve."),
        ("p", "I spread two barrows of leaf mould over the beds in December and covered them with cardboard, weighed down with bricks against the wind."),
        ("ul", ["Leaf mould from the council depot, free", "Cardboard from the bike shop", "Bricks from a skip, with permission"]),
        ("p", "By March the worms had pulled most of it under, and the beds were dark and crumbly without a single pass of the fork."),
    ]),
    ("A gentle introduction to property-based testing", [
        ("p", "Example-based tests check the cases you thought of. Property-based tests check the cases you did not, by generating inputs and asserting something that must always hold."),
        ("p", "A classic property is the round trip: decoding what you encoded gives back the original value, whatever that value is."),
        ("code", "@given(st.binary())\ndef test_round_trip(data):\n    assert decode(encode(data)) == data"),
        ("h2", "Shrinking"),
        ("p", "When a property fails, the framework shrinks the input to the smallest one that still fails, which is usually the one that tells you what is wrong."),
        ("p", "Start with one round-trip property on your serialisation code. It finds bugs on the first run more often than you would expect."),
    ]),
    ("Repairing a 1970s desk lamp", [
        ("p", "The lamp came from a flea market for four euros, with a cracked switch and a cord that had gone stiff and brittle."),
        ("h2", "Parts"),
        ("table", [["Part", "Cost"], ["Inline switch", "3.50"], ["Two metres of fabric cord", "6.00"], ["E27 socket", "4.20"]]),
        ("p", "Rewiring took an hour. The only tricky step was threading the new cord through the arm, which I did by taping it to the end of the old one and pulling."),
        ("p", "It now sits on my desk and gives a warm, even light that no modern lamp I have tried can match."),
    ]),
    ("What I learned running a book club for five years", [
        ("p", "We started as six colleagues who wanted an excuse to read fiction again. Five years and sixty books later, four of the original six still come every month."),
        ("p", "The single rule that kept us going is that nobody has to finish the book. People who stopped halfway often had the most interesting things to say about why."),
        ("p", "We rotate who picks, and the picker brings something to eat that fits the book, which has led to some memorable evenings and one regrettable fish soup."),
    ]),
    ("Measuring cold starts on a small VPS", [
        ("p", "Cold start time is the delay between a request arriving and the first byte of the answer when nothing is warm: no process, no cache, no connection."),
        ("p", "On a two-core virtual machine I measured a Python service, a Go service and a Rust service, each started by the socket activation of systemd."),
        ("table", [["Service", "Median cold start", "p99"], ["Python", "410 ms", "690 ms"], ["Go", "12 ms", "25 ms"], ["Rust", "8 ms", "19 ms"]]),
        ("p", "The Python figure is dominated by imports. Lazy imports of two heavy modules brought it down to 160 milliseconds."),
    ]),
    ("Learning to sail at forty", [
        ("p", "I booked the beginner course on a whim after a friend posted pictures from a lake, and spent the first morning mostly confused about which rope was which."),
        ("p", "By the third day the vocabulary had stopped being a wall. A sheet controls a sail, a halyard raises it, and the boom is called that for a reason you learn only once."),
        ("p", "The instructors were patient and blunt in equal measure, which turns out to be exactly what an adult learner needs."),
        ("ul", ["Wear gloves from the first day", "Learn three knots before you go", "Bring a dry bag for your phone"]),
    ]),
    ("Keeping a changelog people actually read", [
        ("p", "Most changelogs are a dump of commit messages. Nobody reads them, because commit messages are written for the people who write the code, not for the people who use it."),
        ("p", "A useful entry says what changed for the user, in their words, and what they need to do about it, if anything."),
        ("h2", "Our template"),
        ("code", "## 2.4.0\n### Changed\n- Uploads over 2 GB now resume after a network drop.\n### Action needed\n- None."),
        ("p", "Since we switched, support tickets asking what changed in a release have dropped to nearly none."),
    ]),
]

NEWS = [
    ("City council approves new cycle lanes on the river road", [
        ("p", "The city council voted on Tuesday to build protected cycle lanes along the full length of the river road, ending a debate that has run for more than two years."),
        ("p", "The plan removes one lane of car traffic in each direction between the old bridge and the ferry terminal, and adds raised kerbs and new crossings at four junctions."),
        ("p", "Shop owners on the road had asked for loading bays to be kept, and the final design keeps six of the eight that exist today."),
        ("p", "Construction is due to start in spring and last about nine months. The council expects the work to cost 4.8 million."),
    ]),
    ("Heatwave pushes power demand to record high", [
        ("p", "Electricity demand reached a record on Wednesday afternoon as temperatures passed 38 degrees across the south of the country for a third day."),
        ("p", "The grid operator said supply held up, helped by solar output that also set a record at midday, but it asked large users to shift work to the evening where they could."),
        ("p", "Forecasters expect the heat to ease from Saturday, when a band of thunderstorms is due to move in from the west."),
    ]),
    ("Local orchestra finds new home in former tram depot", [
        ("p", "After eleven years of rehearsing in school halls, the city's amateur orchestra will move into the restored tram depot on Mill Street in September."),
        ("p", "The depot's high brick vaults turned out to have unusually good acoustics, according to the engineer who tested them last winter with recordings and a starter pistol."),
        ("p", "The orchestra raised most of the money for the conversion itself, through concerts, a crowdfunding campaign and a bequest from a former cellist."),
        ("p", "The first public concert in the new hall is planned for October, with a programme of Dvořák and a new piece by a local composer."),
    ]),
    ("Researchers map underground river beneath the old town", [
        ("p", "Geologists have mapped a river that runs about twenty metres below the old town, using sensors that listen for tiny vibrations in the ground."),
        ("p", "The river had been suspected since the nineteenth century, when wells in the area filled after heavy rain far faster than the surface water could explain."),
        ("p", "The team says the findings will help the city plan the new metro line, whose route had to be changed twice because of flooding in test tunnels."),
    ]),
    ("Ferry strike ends after agreement on shift patterns", [
        ("p", "Ferry crews returned to work on Friday morning after the union and the operator agreed on new shift patterns, ending a strike that had lasted six days."),
        ("p", "Under the deal, no crew member will work more than four night shifts in a row, and rest periods between shifts will be extended by an hour."),
        ("p", "The operator said the full timetable would run from Saturday. Tickets for cancelled crossings will be refunded automatically."),
    ]),
    ("School kitchens switch to local suppliers", [
        ("p", "From January, the district's school kitchens will buy most of their vegetables, eggs and dairy from farms within fifty kilometres."),
        ("p", "The change follows a pilot at four schools last year, where the cost per meal rose by only a few cents and food waste fell by a fifth."),
        ("p", "Farmers taking part said a fixed contract for the school year lets them plan their planting with far more certainty than the wholesale market allows."),
        ("p", "Parents will be able to see where each day's ingredients came from on the district's menu page."),
    ]),
    ("Library extends opening hours during exam season", [
        ("p", "The central library will stay open until midnight from the first of May to the end of June, to give students a quiet place to revise."),
        ("p", "The extra hours are paid for by the university, whose own libraries have been overcrowded since the reading room closed for repairs."),
        ("p", "Staff said the late openings last year were used by far more people than expected, including many who were not students at all."),
    ]),
    ("Storm damages harbour wall, boats moved inland", [
        ("p", "A storm overnight broke a section of the outer harbour wall, and the harbour master ordered all boats under twelve metres to be moved to the inner basin."),
        ("p", "Waves of up to six metres were recorded at the harbour entrance shortly after two in the morning. Nobody was hurt."),
        ("p", "Engineers will inspect the wall once the sea calms. Until then, the outer moorings stay closed and the fish market will open late."),
    ]),
]

SHOP = [
    ("Stainless steel moka pot, 6 cups", [
        ("p", "A classic stovetop espresso maker in brushed stainless steel, suitable for gas, electric and induction hobs."),
        ("p", "The thick base spreads the heat evenly, and the valve is set to release pressure well before the pot could be damaged."),
        ("table", [["Capacity", "6 cups (300 ml)"], ["Material", "18/10 stainless steel"], ["Height", "22 cm"], ["Weight", "780 g"]]),
        ("p", "Wash by hand with warm water only. Detergent strips the coffee oils that give the pot its flavour over time."),
    ]),
    ("Merino wool hiking socks, pair", [
        ("p", "Mid-weight hiking socks knitted from seventy percent merino wool, with cushioning under the heel and the ball of the foot."),
        ("ul", ["Seamless toe to prevent blisters", "Elastic arch support", "Machine washable at 30 degrees"]),
        ("p", "Merino keeps feet warm when wet and does not hold odours, so a pair lasts a multi-day hike without washing."),
    ]),
    ("Cast iron skillet, 26 cm, pre-seasoned", [
        ("p", "A heavy cast iron pan that holds its heat for searing, roasting and baking, seasoned with vegetable oil at the foundry and ready to use."),
        ("table", [["Diameter", "26 cm"], ["Depth", "5 cm"], ["Weight", "2.6 kg"], ["Oven safe", "Yes, to 260 °C"]]),
        ("p", "Dry it on the hob after washing and wipe it with a thin film of oil to keep the seasoning in good shape."),
    ]),
    ("Rechargeable bike light set", [
        ("p", "A front and rear light pair that charges over USB-C, with a front beam bright enough for unlit country roads."),
        ("p", "Each light has four modes, including a daytime flash that is visible from more than a kilometre away."),
        ("table", [["Front output", "800 lumen"], ["Rear output", "60 lumen"], ["Run time", "2 to 20 hours"], ["Charge time", "3 hours"]]),
    ]),
    ("Linen duvet cover, double", [
        ("p", "Stonewashed linen that is soft from the first night and gets softer with every wash. Breathable in summer and warm in winter."),
        ("ul", ["100% European flax linen", "Wooden button closure", "Inner corner ties keep the duvet in place"]),
        ("p", "Wash at 40 degrees and dry on low heat, or line dry for the most relaxed look."),
    ]),
    ("Children's wooden balance bike", [
        ("p", "A first bike for children from two to four years old, made of birch plywood with air-filled tyres that cope with grass and gravel."),
        ("p", "The saddle adjusts to three heights without tools, and the steering is limited so that sharp turns cannot tip the bike."),
        ("table", [["Age", "2 to 4 years"], ["Saddle height", "30 to 38 cm"], ["Weight", "3.4 kg"]]),
    ]),
    ("Noise-cancelling headphones, over-ear", [
        ("p", "Wireless headphones with adaptive noise cancelling that adjusts to the noise around you, from a quiet office to a train."),
        ("p", "The battery lasts thirty hours with noise cancelling on, and ten minutes of charging give five hours of listening."),
        ("ul", ["Bluetooth 5.3 with two devices at once", "Foldable, with a hard case", "Replaceable ear cushions"]),
    ]),
]

FORUM = [
    ("Sourdough starter smells like nail polish remover", [
        ("post", "breadhead", "My starter is two weeks old and it suddenly smells strongly of acetone. It still rises a bit. Did I kill it?"),
        ("post", "levain_lou", "It is hungry, not dead. That smell means the yeast ran out of food. Feed it twice a day at a higher ratio, one part starter to five of flour and water, for a few days."),
        ("post", "breadhead", "Fed it at 1:5:5 this morning and it doubled in six hours with a yoghurt smell. Thank you!"),
    ]),
    ("Router drops Wi-Fi every evening around 8 pm", [
        ("post", "netnewbie", "Every evening at about eight, my Wi-Fi drops for a minute or two. Wired devices stay connected. Any idea what could cause this?"),
        ("post", "packetpusher", "Sounds like channel congestion when the neighbours come home. Check which channel your router uses and move the 2.4 GHz band to 1, 6 or 11, whichever is least busy."),
        ("post", "sysadmin_sam", "Also check for a scheduled task. Some routers run an automatic channel scan or firmware check at a fixed time and reset the radio when they do."),
        ("post", "netnewbie", "It was the automatic firmware check, set to 20:00. Moved it to four in the morning and the drops are gone."),
    ]),
    ("Best way to remove old wallpaper paste?", [
        ("post", "diy_dana", "We stripped the wallpaper in the hall, but the walls are still covered in dried paste. Paint will not stick to it. What works?"),
        ("post", "plasterer_pete", "Warm water with a splash of washing-up liquid, applied with a sponge, left for ten minutes and then wiped off. Repeat until the wall no longer feels slippery. Let it dry fully before painting."),
        ("post", "diy_dana", "Two rounds did it. The wall is smooth and the first coat of paint went on without any problems."),
    ]),
    ("Python: why does my list change inside the function?", [
        ("post", "curious_cat", "I pass a list to a function, the function appends to it, and the list outside changes too. I thought arguments were copies?"),
        ("post", "pythonista", "Arguments are references to the same object. Appending changes the one list both names refer to. If you need a copy, make one explicitly with list(items) or items.copy()."),
        ("post", "curious_cat", "That explains a bug I have been chasing for a day. Copying at the start of the function fixed it."),
    ]),
    ("Tomato leaves turning yellow from the bottom", [
        ("post", "greenthumb", "The lower leaves of my tomato plants are turning yellow and dropping off, while the top of the plant looks healthy. Should I worry?"),
        ("post", "old_gardener", "Some yellowing of the oldest leaves is normal as the plant puts its energy into fruit. If it spreads quickly, it may be early blight or a lack of nitrogen. Remove the affected leaves and water at the base, not over the leaves."),
        ("post", "greenthumb", "Removed the yellow leaves and switched to watering at the base. Two weeks on, no new yellow leaves."),
    ]),
    ("Car battery dies after a week without driving", [
        ("post", "weekend_driver", "If I do not drive my car for a week, the battery is flat. The battery is new. What drains it?"),
        ("post", "auto_elec", "Measure the parasitic drain: disconnect the negative terminal and put a multimeter in series. More than about fifty milliamps after the car has gone to sleep means something stays on. Pull fuses one by one to find the circuit."),
        ("post", "weekend_driver", "It was the aftermarket dashcam, wired to a permanent feed. Moved it to the ignition circuit and the battery holds its charge now."),
    ]),
    ("Learning Japanese: kanji first or vocabulary first?", [
        ("post", "nihongo_newbie", "I know the kana and want to start on kanji. Should I learn kanji on their own, or learn words and pick up the kanji as they come?"),
        ("post", "sensei_k", "Learning words and their kanji together keeps the characters tied to meaning and sound. Isolated kanji drills tend to fade fast unless you already read a lot."),
        ("post", "reader_rin", "Agreed. Graded readers helped me most, because the same words come back often enough to stick."),
    ]),
]

OTHER = [
    ("recipe", "Lentil soup with lemon and cumin", [
        ("p", "A thick red lentil soup that takes thirty minutes, costs very little and tastes better the next day."),
        ("h2", "Ingredients"),
        ("ul", ["250 g red lentils", "1 onion, chopped", "2 cloves of garlic", "1 teaspoon ground cumin", "1 litre vegetable stock", "Juice of one lemon"]),
        ("h2", "Method"),
        ("p", "Soften the onion in a little oil, add the garlic and cumin for a minute, then the lentils and stock. Simmer for twenty minutes until the lentils fall apart, blend half of it, and finish with the lemon juice."),
    ]),
    ("recipe", "Overnight oats with grated apple", [
        ("p", "Breakfast that makes itself while you sleep: oats soaked in milk and yoghurt with a grated apple and cinnamon."),
        ("ul", ["60 g rolled oats", "100 ml milk", "100 g yoghurt", "1 apple, grated", "A pinch of cinnamon"]),
        ("p", "Stir everything together in a jar, close it and leave it in the fridge overnight. It keeps for two days."),
    ]),
    ("wiki", "Tram depot (Mill Street)", [
        ("p", "The Mill Street tram depot is a former tram shed in the city centre, built in 1897 and used for trams until 1961."),
        ("h2", "History"),
        ("p", "The depot housed up to forty trams. After the tram network closed, it served as a bus garage and later as a warehouse, before standing empty from 1998."),
        ("h2", "Architecture"),
        ("p", "The building has three brick vaults supported by cast iron columns. Its roof lights were restored in 2025 during the conversion into a concert hall."),
        ("table", [["Built", "1897"], ["Architect", "H. Vos"], ["Listed", "1979"]]),
    ]),
]
