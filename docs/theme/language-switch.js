// The EN | ID switch in the menu bar: links the same page in the other edition of the book.
// The English book is the root of docs/book, the Indonesian one its folder id/ (`just docs`
// builds both), so the links are relative and work from file:// as well as from a web server.
(function () {
    "use strict";
    const editions = [
        { lang: "en", label: "EN", name: "English", folder: "" },
        { lang: "id", label: "ID", name: "Bahasa Indonesia", folder: "id/" },
    ];
    const current = editions.find((e) => e.lang === document.documentElement.lang) || editions[0];
    const buttons = document.querySelector("#mdbook-menu-bar .right-buttons, .right-buttons");
    if (!buttons || typeof path_to_root === "undefined") {
        return;
    }
    // This edition's root, and this page relative to it (lessons/01-raw-cookies.html).
    const here = location.href.split("#")[0].split("?")[0];
    const editionRoot = new URL(path_to_root || "./", here).href;
    let page = here.startsWith(editionRoot) ? here.slice(editionRoot.length) : "";
    if (page === "" || page.endsWith("/")) {
        page += "index.html";
    }
    // The folder that holds the English edition (and id/ beside its pages).
    const bookRoot = new URL(current.folder ? "../" : "./", editionRoot).href;

    const nav = document.createElement("span");
    nav.className = "language-switch";
    nav.setAttribute("role", "navigation");
    nav.setAttribute("aria-label", "Language / Bahasa");
    editions.forEach((edition, i) => {
        if (i > 0) {
            nav.append(" | ");
        }
        const link = document.createElement("a");
        link.textContent = edition.label;
        link.title = edition.name;
        link.lang = edition.lang;
        link.hreflang = edition.lang;
        link.href = new URL(edition.folder + page, bookRoot).href;
        if (edition === current) {
            link.setAttribute("aria-current", "page");
        }
        nav.append(link);
    });
    buttons.prepend(nav);
})();
