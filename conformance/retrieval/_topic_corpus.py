"""Thirty short documents on clearly distinct topics, and questions that each belong to one of them."""

from __future__ import annotations

from harness.data._model import Document

_TOPICS: dict[str, tuple[str, str]] = {
    "volcano": (
        "Volcanoes",
        "A volcano is an opening in the crust of a planet through which molten rock, ash and gases escape. "
        "Magma rises from chambers deep below the surface and erupts as lava. Mount Etna in Sicily is one of "
        "the most active volcanoes in Europe, and Kilauea in Hawaii erupted almost continuously for decades.",
    ),
    "photosynthesis": (
        "Photosynthesis",
        "Photosynthesis is the process by which green plants use sunlight to turn carbon dioxide and water into "
        "glucose and oxygen. The reactions take place in chloroplasts, which contain the pigment chlorophyll. "
        "Light-dependent reactions make ATP, and the Calvin cycle then fixes carbon into sugar.",
    ),
    "bread": (
        "Baking bread",
        "Bread is made by mixing flour, water, salt and yeast into a dough. Kneading develops gluten, which "
        "traps the carbon dioxide the yeast produces, so the dough rises. After proofing, the loaf is baked in "
        "a hot oven until the crust browns and the crumb is set.",
    ),
    "chess": (
        "Chess",
        "Chess is a two-player strategy board game played on a checkered board of sixty-four squares. Each "
        "player starts with sixteen pieces: a king, a queen, two rooks, two bishops, two knights and eight "
        "pawns. The goal is to checkmate the opposing king so that it cannot escape capture.",
    ),
    "honeybee": (
        "Honeybees",
        "Honeybees live in colonies with a single queen, thousands of female workers and a few male drones. "
        "Workers collect nectar and pollen from flowers and turn the nectar into honey stored in wax combs. "
        "Foragers tell their sisters where flowers are by performing a waggle dance inside the hive.",
    ),
    "jazz": (
        "Jazz",
        "Jazz is a music genre that originated in the African-American communities of New Orleans in the late "
        "nineteenth and early twentieth centuries. It is known for swing rhythms, blue notes and improvisation. "
        "Louis Armstrong, Duke Ellington and Miles Davis are among its most famous musicians.",
    ),
    "bitcoin": (
        "Bitcoin",
        "Bitcoin is a decentralised digital currency created in 2009 by the pseudonymous Satoshi Nakamoto. "
        "Transactions are recorded on a public ledger called the blockchain, which miners extend by solving "
        "proof-of-work puzzles. The supply of bitcoin is capped at twenty-one million coins.",
    ),
    "marathon": (
        "The marathon",
        "The marathon is a long-distance running race of 42.195 kilometres. Its name comes from the legend of "
        "a Greek messenger who ran from the battlefield of Marathon to Athens. Elite runners finish in just "
        "over two hours, and big city marathons in Boston, London and Berlin attract tens of thousands.",
    ),
    "glacier": (
        "Glaciers",
        "A glacier is a persistent body of dense ice that moves slowly under its own weight. Glaciers form "
        "where snow accumulates faster than it melts over many years and compacts into ice. As they flow they "
        "carve U-shaped valleys, and their retreat is a visible sign of a warming climate.",
    ),
    "vaccine": (
        "Vaccines",
        "A vaccine trains the immune system to recognise a pathogen without causing the disease. It contains "
        "a weakened or inactivated germ, a piece of it, or instructions such as messenger RNA for making one "
        "of its proteins. Edward Jenner developed the first vaccine against smallpox in 1796.",
    ),
    "origami": (
        "Origami",
        "Origami is the Japanese art of folding paper into decorative shapes and figures without cutting or "
        "gluing. A classic model is the paper crane, which folders make from a single square sheet. Modern "
        "origami designers use mathematics to plan crease patterns for complex insects and animals.",
    ),
    "black_hole": (
        "Black holes",
        "A black hole is a region of spacetime where gravity is so strong that nothing, not even light, can "
        "escape. The boundary is called the event horizon. Black holes form when massive stars collapse, and "
        "a supermassive black hole sits at the centre of the Milky Way galaxy.",
    ),
    "coffee": (
        "Coffee",
        "Coffee is a brewed drink prepared from the roasted seeds of the coffee plant, commonly called beans. "
        "The two main species are arabica and robusta. Beans are roasted, ground and brewed with hot water, "
        "for example as espresso, and the caffeine they contain is a mild stimulant.",
    ),
    "roman_empire": (
        "The Roman Empire",
        "The Roman Empire was the period of ancient Rome ruled by emperors, beginning with Augustus in 27 BC. "
        "At its height it controlled lands around the whole Mediterranean Sea. The western half fell in 476 "
        "AD, while the eastern Byzantine Empire lasted until Constantinople fell in 1453.",
    ),
    "tides": (
        "Ocean tides",
        "Tides are the regular rise and fall of sea level caused mainly by the gravitational pull of the Moon "
        "and, to a lesser extent, the Sun. Most coasts see two high tides and two low tides each day. Spring "
        "tides, with the largest range, happen when the Sun and Moon line up.",
    ),
    "python_language": (
        "The Python programming language",
        "Python is a high-level programming language created by Guido van Rossum and first released in 1991. "
        "It emphasises readable code and uses indentation to delimit blocks. Python is widely used for web "
        "development, scripting, data analysis and machine learning, with a large standard library.",
    ),
    "penguin": (
        "Penguins",
        "Penguins are flightless seabirds that live almost exclusively in the Southern Hemisphere. Their wings "
        "have evolved into flippers, making them excellent swimmers that hunt fish and krill. Emperor penguins "
        "breed during the Antarctic winter, and the males incubate the single egg on their feet.",
    ),
    "earthquake": (
        "Earthquakes",
        "An earthquake is the shaking of the ground caused by a sudden slip on a fault, where tectonic plates "
        "grind past each other. Seismometers record the waves, and magnitude scales measure the energy "
        "released. Undersea earthquakes can trigger tsunamis that cross entire oceans.",
    ),
    "violin": (
        "The violin",
        "The violin is a wooden string instrument with four strings tuned in perfect fifths. It is played by "
        "drawing a bow strung with horsehair across the strings, or by plucking them. Famous violin makers "
        "such as Antonio Stradivari worked in Cremona, Italy, in the seventeenth century.",
    ),
    "tea_ceremony": (
        "The Japanese tea ceremony",
        "The Japanese tea ceremony is a ritual of preparing and serving powdered green tea called matcha. The "
        "host whisks the tea in a bowl and presents it to guests in a quiet tatami room. Every movement follows "
        "a set form shaped by Zen Buddhism and the tea master Sen no Rikyu.",
    ),
    "solar_panel": (
        "Solar panels",
        "Solar panels convert sunlight directly into electricity using photovoltaic cells made of silicon. "
        "When photons strike the cell they free electrons, producing a direct current that an inverter turns "
        "into alternating current for the grid. Rooftop installations let homes generate their own power.",
    ),
    "dinosaur": (
        "Dinosaurs",
        "Dinosaurs were reptiles that dominated land ecosystems for over 160 million years during the Mesozoic "
        "era. Tyrannosaurus rex was a giant meat-eater, while sauropods like Brachiosaurus ate plants. Most "
        "dinosaurs died out 66 million years ago after an asteroid struck the Yucatan peninsula.",
    ),
    "cheese": (
        "Cheesemaking",
        "Cheese is made by curdling milk with rennet or acid, separating the solid curds from the liquid whey, "
        "and then pressing and ageing the curds. Bacteria and moulds give each variety its flavour, from "
        "mild mozzarella to sharp cheddar and blue-veined Roquefort aged in caves.",
    ),
    "lighthouse": (
        "Lighthouses",
        "A lighthouse is a tower with a bright lamp and lenses that guides ships and warns them of rocks and "
        "dangerous coastlines at night. The Fresnel lens, invented in 1822, focuses the light into a powerful "
        "beam. The ancient Pharos of Alexandria was one of the Seven Wonders of the World.",
    ),
    "antibiotics": (
        "Antibiotics",
        "Antibiotics are medicines that kill bacteria or stop them from growing. Alexander Fleming discovered "
        "penicillin in 1928 when mould killed bacteria on a culture plate. Overuse of antibiotics lets "
        "resistant strains spread, which makes some infections very hard to treat.",
    ),
    "sailing": (
        "Sailing",
        "Sailing uses the wind acting on sails to propel a boat across water. By trimming the sails and "
        "steering with the rudder, sailors can travel at an angle into the wind, zigzagging in a manoeuvre "
        "called tacking. Racing yachts compete in events such as the America's Cup.",
    ),
    "recycling": (
        "Recycling",
        "Recycling turns waste materials such as paper, glass, aluminium cans and plastic bottles into new "
        "products. Collected items are sorted, cleaned and reprocessed, which saves raw materials and energy. "
        "Aluminium can be recycled again and again without losing quality.",
    ),
    "olympics": (
        "The Olympic Games",
        "The modern Olympic Games are an international multi-sport event held every four years, revived by "
        "Pierre de Coubertin in Athens in 1896. Athletes compete for gold, silver and bronze medals, and the "
        "Olympic flame is lit in Olympia, Greece, before being carried to the host city by torch relay.",
    ),
    "spider": (
        "Spiders",
        "Spiders are eight-legged arachnids that spin silk from glands called spinnerets. Many species weave "
        "orb webs to trap flying insects, then bite their prey with venomous fangs. Spider silk is stronger "
        "than steel of the same weight and remarkably elastic.",
    ),
    "printing_press": (
        "The printing press",
        "Johannes Gutenberg introduced the movable-type printing press in Mainz around 1440. Metal letters "
        "could be rearranged and reused to print many pages quickly with oil-based ink. The Gutenberg Bible "
        "was one of the first major books printed, and the press spread literacy across Europe.",
    ),
}

CORPUS: tuple[Document, ...] = tuple(
    Document(doc_id=doc_id, title=title, text=text) for doc_id, (title, text) in _TOPICS.items()
)

# Questions phrased without copying the documents' wording where possible, each with one gold document.
QUERIES: tuple[tuple[str, str], ...] = (
    ("How do plants make sugar from light?", "photosynthesis"),
    ("Which piece must be trapped to win the board game?", "chess"),
    ("Why does dough rise before it goes in the oven?", "bread"),
    ("What do bees do to tell others where food is?", "honeybee"),
    ("Who discovered penicillin?", "antibiotics"),
    ("What makes the sea level go up and down twice a day?", "tides"),
    ("How long is the running race named after a Greek battle?", "marathon"),
    ("What limits the total number of coins in the cryptocurrency?", "bitcoin"),
    ("Which birds cannot fly and keep their egg warm on their feet?", "penguin"),
    ("How is electricity produced from sunshine on a roof?", "solar_panel"),
    ("What killed off the giant reptiles 66 million years ago?", "dinosaur"),
    ("Who invented movable type in Mainz?", "printing_press"),
)
